namespace Optimus.Runtime;

/// <summary>
/// The membership table of one cluster: the only place silos agree on who is alive. Every change is a compare-and-swap
/// on the table's version (and, for an update, on the row's ETag), so two silos acting on the same view cannot both
/// win. The contract, which the membership conformance kit checks for every provider:
/// <list type="bullet">
/// <item>An empty table reads as version 0 with no rows.</item>
/// <item>An insert or update succeeds only when the table is still at <c>expectedVersion</c> (and, for an update, the row
/// still has that ETag); it then bumps the version by one and gives the row a new ETag. Otherwise it returns false and
/// changes nothing. Inserting a silo that is already there fails.</item>
/// <item>Heartbeats (<see cref="UpdateIAmAliveAsync"/>) are blind writes that change neither version nor ETag.</item>
/// </list>
/// </summary>
public interface IMembershipTable
{
    /// <summary>Reads the version and every row, consistently.</summary>
    Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Adds a silo's row if the table is at <paramref name="expectedVersion"/>.</summary>
    Task<bool> InsertRowAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Replaces a silo's row if it still has <paramref name="etag"/> and the table is at <paramref name="expectedVersion"/>.</summary>
    Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Records that a silo is alive (diagnostic only: decisions go by status and votes).</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Removes the rows of silos dead since before <paramref name="before"/>.</summary>
    Task DeleteDeadRowsAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
