using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Reminders;

namespace Optimus.Runtime.Hosting;

/// <summary>
/// The silo's life as a hosted service. Start: connect messaging, start the idle collector and the reminders, become
/// active. Stop: refuse new client calls, stop reminders, let running and queued calls finish, deactivate every
/// grain (each after its running calls), then fail whatever is still pending. Each of the two waits is bounded by
/// <see cref="SiloOptions.ShutdownTimeout"/>.
/// </summary>
internal sealed partial class Silo(
    LocalSilo silo,
    MessageCenter messageCenter,
    Dispatcher dispatcher,
    CallbackTable callbacks,
    Catalog.Catalog catalog,
    ActivationCollector collector,
    ReminderService reminders,
    IOptions<SiloOptions> options,
    ILogger<Silo> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        silo.Status = SiloStatus.Joining;
        messageCenter.Attach(dispatcher, callbacks);
        collector.Start();
        await reminders.StartAsync(cancellationToken);
        silo.Status = SiloStatus.Active;
        LogStarted(logger, silo.Address, silo.ClusterId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (silo.Status is not SiloStatus.Active)
        {
            silo.Status = SiloStatus.Stopped;
            return;
        }

        LogStopping(logger, silo.Address);
        silo.Status = SiloStatus.ShuttingDown;
        try
        {
            reminders.Stop();
            var timeout = options.Value.ShutdownTimeout;
            await catalog.DrainAsync(timeout, cancellationToken);
            await catalog.DeactivateAllAsync(timeout).WaitAsync(cancellationToken);
        }
        finally
        {
            // Whatever happened above, the silo ends stopped, with nothing left pending or ticking.
            silo.Status = SiloStatus.Stopped;
            callbacks.FailAll(call => new SiloUnavailableException(
                $"Silo {silo.Address} stopped before {call.Request.TargetGrain}.{call.Request.MethodName} answered."));
            collector.Dispose();
            callbacks.Dispose();
            LogStopped(logger, silo.Address);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Silo {Address} of cluster '{ClusterId}' is active.")]
    private static partial void LogStarted(ILogger logger, SiloAddress address, string clusterId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Silo {Address} is shutting down.")]
    private static partial void LogStopping(ILogger logger, SiloAddress address);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Silo {Address} has stopped.")]
    private static partial void LogStopped(ILogger logger, SiloAddress address);
}
