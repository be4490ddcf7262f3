using Optimus.Runtime.Testing;

namespace Optimus.Tests;

/// <summary>
/// Several silo processes on one PostgreSQL database, as the README runs them, with quick failure detection so that
/// a test that kills one takes seconds.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private static readonly Dictionary<string, string> FastMembership = new()
    {
        ["Optimus__Membership__RefreshPeriod"] = "00:00:00.250",
        ["Optimus__Membership__ProbePeriod"] = "00:00:00.250",
        ["Optimus__Membership__ProbeTimeout"] = "00:00:00.500",
        ["Optimus__Membership__MissedProbesLimit"] = "2",
    };

    private SiloCluster(List<SiloProcess> silos) => Silos = silos;

    public IReadOnlyList<SiloProcess> Silos { get; }

    public static async Task<SiloCluster> StartAsync(string connectionString, int count)
    {
        var silos = new List<SiloProcess>();
        var cluster = new SiloCluster(silos);
        try
        {
            for (var i = 1; i <= count; i++)
            {
                silos.Add(await SiloProcess.StartAsync(environment: FastMembership, arguments:
                    ["--postgres", connectionString, "--silo-port", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture), "--silo-name", $"silo-{i}"]));
            }

            await cluster.WaitForAgreementAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until each of <paramref name="among"/> (default: all) sees exactly those silos as active.</summary>
    public async Task WaitForAgreementAsync(IReadOnlyList<SiloProcess>? among = null)
    {
        among ??= Silos;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var views = await Task.WhenAll(among.Select(s => s.Api.GetJsonAsync("/cluster")));
            if (views.All(v => v.GetProperty("silos").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Active") == among.Count))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The silos did not agree on the cluster.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
    }
}
