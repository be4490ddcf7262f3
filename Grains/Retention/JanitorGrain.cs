using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime;

namespace Optimus.Grains.Retention;

/// <summary>
/// Applies retention on a durable reminder: each dataset discards what its policy no longer keeps and fails abandoned
/// drafts; the janitor then deletes the data of every discarded and failed version and records that it did.
/// </summary>
internal sealed partial class JanitorGrain(IOptions<OptimusOptions> options, IOptions<ReminderOptions> reminders, ILogger<JanitorGrain> logger)
    : Grain, IJanitorGrain, IRemindable
{
    private const string ReminderName = "retention";
    private const int PageSize = 500;

    public async Task Start()
    {
        var period = options.Value.JanitorPeriod < reminders.Value.MinimumReminderPeriod
            ? reminders.Value.MinimumReminderPeriod
            : options.Value.JanitorPeriod;
        await RegisterOrUpdateReminder(ReminderName, period, period);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => RunOnce();

    public async Task<int> RunOnce()
    {
        var registry = GrainFactory.GetGrain<IDatasetRegistryGrain>(IDatasetRegistryGrain.Key);
        var deleted = 0;
        string? after = null;
        do
        {
            var page = await registry.List(after, PageSize);
            foreach (var name in page.Items)
            {
                try
                {
                    deleted += await CleanAsync(name);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogDatasetFailed(logger, exception, name); // one dataset's trouble must not stop the others
                }
            }

            after = page.Next;
        }
        while (after is not null);

        if (deleted > 0)
        {
            LogDeleted(logger, deleted);
        }

        return deleted;
    }

    private async Task<int> CleanAsync(string name)
    {
        var dataset = GrainFactory.GetGrain<IDatasetGrain>(name);
        var versions = await dataset.ApplyRetention(options.Value.DraftTimeout);
        foreach (var version in versions)
        {
            await GrainFactory.GetGrain<IVersionGrain>(version).DeleteData();
        }

        if (versions.Length > 0)
        {
            await dataset.MarkDataDeleted(versions);
        }

        return versions.Length;
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Retention deleted the data of {Count} versions.")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Retention of dataset {Dataset} failed; it is tried again at the next pass.")]
    private static partial void LogDatasetFailed(ILogger logger, Exception exception, string dataset);
}
