using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Membership;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Networking;
using Optimus.Runtime.Reminders;

namespace Optimus.Runtime.Hosting;

/// <summary>
/// The silo's life as a hosted service. Start: connect messaging; in a cluster, join the membership table, open the
/// silo port and become active (a silo alone opens it only to take clients, when asked to); start the idle collector
/// and the reminders. Stop: refuse new work, stop reminders; in a
/// cluster, say it is leaving and give peers time to notice, so that its grains move on; let running calls finish,
/// deactivate every grain (waiting requests follow their grain to its new owner), leave the table, and fail whatever is
/// still pending. Each wait is bounded by <see cref="SiloOptions.ShutdownTimeout"/>. A silo that halts (killed, or
/// declared dead) skips all of that.
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
    IOptions<ClusterMembershipOptions> membershipOptions,
    IServiceProvider services,
    TimeProvider time,
    ILogger<Silo> logger) : IHostedService
{
    private MembershipService? _membership;
    private SiloConnections? _network;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        silo.Status = SiloStatus.Joining;
        if (silo.IsClustered)
        {
            _membership = services.GetRequiredService<MembershipService>();
            _network = services.GetRequiredService<SiloConnections>();
            _membership.Changed += snapshot => _ = reminders.RefreshSafelyAsync();
        }
        else if (options.Value.AcceptClientsWhenAlone)
        {
            _network = services.GetRequiredService<SiloConnections>();
        }

        silo.Halted += OnHalted;
        messageCenter.Attach(dispatcher, callbacks, _network);
        collector.Start();
        if (_membership is not null)
        {
            await _membership.JoinAsync(cancellationToken);
            _network!.Start(messageCenter);
            await _membership.ActivateAsync(cancellationToken);
        }
        else
        {
            _network?.Start(messageCenter);
        }

        silo.Status = SiloStatus.Active;
        await reminders.StartAsync(cancellationToken);
        LogStarted(logger, silo.Address, silo.ClusterId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (silo.Status is not SiloStatus.Active)
        {
            silo.Status = SiloStatus.Stopped;
            return; // never started, or halted (which has already let go of everything)
        }

        LogStopping(logger, silo.Address);
        silo.Status = SiloStatus.ShuttingDown;
        try
        {
            reminders.Stop();
            if (_membership is not null)
            {
                await _membership.LeaveAsync(cancellationToken);
                await Task.Delay(membershipOptions.Value.Grace, time, cancellationToken);
            }

            var timeout = options.Value.ShutdownTimeout;
            await catalog.DrainAsync(timeout, cancellationToken);
            await catalog.DeactivateAllAsync(timeout).WaitAsync(cancellationToken);
            if (_membership is not null)
            {
                await _membership.DepartAsync(cancellationToken);
            }
        }
        finally
        {
            // Whatever happened above, the silo ends stopped, with nothing left pending, ticking or connected.
            silo.Status = SiloStatus.Stopped;
            await ReleaseAsync($"Silo {silo.Address} stopped");
            LogStopped(logger, silo.Address);
        }
    }

    private void OnHalted(string reason)
    {
        LogHalted(logger, silo.Address, reason);
        _ = ReleaseAsync($"Silo {silo.Address} halted ({reason})");
    }

    private async Task ReleaseAsync(string why)
    {
        _membership?.Halt();
        reminders.Stop();
        callbacks.FailAll(call => new SiloUnavailableException($"{why} before {call.Request.TargetGrain}.{call.Request.MethodName} answered."));
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        collector.Dispose();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Silo {Address} of cluster '{ClusterId}' is active.")]
    private static partial void LogStarted(ILogger logger, SiloAddress address, string clusterId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Silo {Address} is shutting down.")]
    private static partial void LogStopping(ILogger logger, SiloAddress address);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Silo {Address} has stopped.")]
    private static partial void LogStopped(ILogger logger, SiloAddress address);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Silo {Address} halted: {Reason}.")]
    private static partial void LogHalted(ILogger logger, SiloAddress address, string reason);
}
