using System.Globalization;
using Optimus.Bench;

namespace Optimus.Compare.Bench;

/// <summary>
/// A read workload measured in rounds: each round runs every reader once, one after the other, so that whatever else
/// the machine does over the run weighs on every reader alike, and a reader's figure is the median of its rounds. On a
/// shared 2-core machine one round of one reader can be off by a fifth (BENCHMARKS.md); the rounds' lowest and highest
/// rates show how far apart they were, and a ratio of two readers is taken round by round, between runs seconds apart.
/// </summary>
internal sealed class ReadRounds
{
    private readonly Dictionary<string, List<ReadRound>> _rounds = [];

    private ReadRounds()
    {
    }

    /// <summary>Runs <paramref name="rounds"/> rounds of every reader (a name and a call, as <see cref="CallerLoad"/> makes it).</summary>
    public static async Task<ReadRounds> RunAsync(
        string workload, int rounds, int clients, TimeSpan duration, IReadOnlyList<(string Name, Func<int, Random, Task<int>> Call)> readers)
    {
        var measured = new ReadRounds();
        foreach (var (name, _) in readers)
        {
            measured._rounds[name] = [];
        }

        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, call) in readers)
            {
                var (rps, items, p50, p99, cpu) = await CallerLoad.RunAsync(clients, duration, call);
                measured._rounds[name].Add(new ReadRound(rps, items, p50, p99, cpu));
            }

            Console.WriteLine($"{workload}, round {round} of {rounds}: " + string.Join(", ", measured._rounds.Select(r =>
                string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value[^1].ItemsPerSecond:N0}/s"))));
        }

        return measured;
    }

    /// <summary>Every reader's median of one figure over its rounds.</summary>
    public Dictionary<string, double> Median(Func<ReadRound, double> figure) =>
        _rounds.ToDictionary(r => r.Key, r => BenchLoad.Median(r.Value.Select(figure)));

    /// <summary>A rate's rows: every reader's median over the rounds, and with several rounds the lowest and the highest.</summary>
    public IEnumerable<Row> RateRows(string figure, Func<ReadRound, double> rate)
    {
        var rounds = _rounds.Values.First().Count;
        if (rounds == 1)
        {
            yield return new Row(figure, Median(rate), HigherIsBetter: true);
            yield break;
        }

        yield return new Row($"{figure}, median of {rounds} rounds", Median(rate), HigherIsBetter: true);
        yield return new Row($"{figure}, the lowest round", _rounds.ToDictionary(r => r.Key, r => r.Value.Min(rate)), HigherIsBetter: true);
        yield return new Row($"{figure}, the highest round", _rounds.ToDictionary(r => r.Key, r => r.Value.Max(rate)), HigherIsBetter: true);
    }

    /// <summary>The ratio of two readers' figure in each round, and the median of those ratios.</summary>
    public (double Median, double[] ByRound) PairedRatio(string reader, string yardstick, Func<ReadRound, double> figure)
    {
        var ratios = _rounds[reader].Zip(_rounds[yardstick], (a, b) => figure(a) / figure(b)).ToArray();
        return (BenchLoad.Median(ratios), ratios);
    }

    /// <summary>Every round's figures, for the JSON report.</summary>
    public IReadOnlyDictionary<string, List<ReadRound>> All => _rounds;
}

/// <summary>One reader's round: requests/s, items/s, p50 and p99 in ms, and the load generator's CPU share of one core.</summary>
internal sealed record ReadRound(double Rps, double ItemsPerSecond, double P50, double P99, double Cpu);
