namespace Optimus.Runtime.Membership;

/// <summary>
/// The voting rule: a suspect's row keeps the votes cast within the expiration (one per voter, the newest); it is
/// declared Dead when they reach min(2, half the active silos rounded up) — as Orleans counts them — so that with three
/// silos or more no single silo's view (a slow silo's, say) can evict another.
/// </summary>
internal static class SuspicionRules
{
    public static int VotesNeeded(int activeSilos) => Math.Max(1, Math.Min(2, (activeSilos + 1) / 2));

    /// <summary>The suspect's row with <paramref name="voter"/>'s vote added, and Dead if that makes enough.</summary>
    public static MembershipEntry Vote(MembershipEntry suspect, SiloAddress voter, DateTimeOffset now, MembershipTableData table, TimeSpan expiration)
    {
        var votes = suspect.Suspicions.Where(s => now - s.At < expiration && s.By != voter).Append(new Suspicion(voter, now)).ToList();
        var active = table.Rows.Count(r => r.Entry.Status == MembershipStatus.Active);
        var dead = votes.Select(v => v.By).Distinct().Count() >= VotesNeeded(active);
        return suspect with { Suspicions = [.. votes], Status = dead ? MembershipStatus.Dead : suspect.Status };
    }
}
