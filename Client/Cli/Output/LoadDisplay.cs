using System.Globalization;
using Optimus.Cli.Input;
using Optimus.Client;
using Spectre.Console;

namespace Optimus.Cli.Output;

/// <summary>
/// Shows a load as it runs: on a terminal, a progress bar over the input's bytes with entries per second and the time
/// left; elsewhere (a log), a line every few seconds.
/// </summary>
internal sealed class LoadDisplay(IAnsiConsole console, IReadOnlyList<InputFile> files, bool quiet)
{
    private static readonly TimeSpan LogPeriod = TimeSpan.FromSeconds(5);
    private LoadProgress _latest;

    public async Task<LoadSummary> RunAsync(Func<IProgress<LoadProgress>, Task<LoadSummary>> load)
    {
        var progress = new Progress(this);
        if (quiet)
        {
            return await load(progress);
        }

        if (!console.Profile.Capabilities.Interactive)
        {
            return await LogAsync(load(progress));
        }

        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("loading", maxValue: Math.Max(1, files.Sum(f => f.Length)));
                var running = load(progress);
                while (await Task.WhenAny(running, Task.Delay(200)) != running)
                {
                    task.Value = files.Sum(f => f.Position);
                    task.Description = Describe();
                }

                task.Value = task.MaxValue;
                task.Description = Describe();
                return await running;
            });
    }

    private async Task<LoadSummary> LogAsync(Task<LoadSummary> running)
    {
        while (await Task.WhenAny(running, Task.Delay(LogPeriod)) != running)
        {
            var read = files.Sum(f => f.Position);
            var total = Math.Max(1, files.Sum(f => f.Length));
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Describe()}, {100.0 * read / total:N0}% of the input read"));
        }

        return await running;
    }

    private string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{_latest.EntriesAcknowledged:N0} entries loaded ({_latest.EntriesPerSecond:N0}/s)");

    // Progress<T> would post to a synchronization context; the latest figures are all the display needs.
    private sealed class Progress(LoadDisplay display) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => display._latest = value;
    }
}
