using Microsoft.Extensions.Logging;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Timers;

/// <summary>
/// A timer of one activation. Each tick is posted into the activation's queue like a message, so it obeys the turn
/// rules; the next tick is scheduled only after the callback has finished, so ticks never overlap.
/// </summary>
internal sealed partial class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly MessageFlags _flags;
    private readonly ITimer _timer;
    private readonly object _lock = new();
    private TimeSpan _period;
    private int _changes;
    private bool _disposed;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ValidatePeriod(options.DueTime, nameof(options.DueTime));
        ValidatePeriod(options.Period, nameof(options.Period));
        _activation = activation;
        _callback = callback;
        _period = options.Period;
        _flags = (options.Interleave ? MessageFlags.AlwaysInterleave : MessageFlags.None)
            | (options.KeepAlive ? MessageFlags.None : MessageFlags.NoKeepAlive);
        activation.AddTimer(this);
        _timer = activation.Time.CreateTimer(static state => ((GrainTimer)state!).OnFired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(options.DueTime, Timeout.InfiniteTimeSpan);
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidatePeriod(dueTime, nameof(dueTime));
        ValidatePeriod(period, nameof(period));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _period = period;
            _changes++;
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
        }

        _activation.RemoveTimer(this);
    }

    private static void ValidatePeriod(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, "A timer's due time and period are zero or more, or Timeout.InfiniteTimeSpan.");
        }
    }

    private void OnFired()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
        }

        var tick = new Message
        {
            Direction = MessageDirection.OneWay,
            TargetGrain = _activation.GrainId,
            Flags = _flags,
            LocalWork = TickAsync,
        };
        if (!_activation.TryEnqueue(tick))
        {
            Dispose(); // the activation is gone
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        int changes;
        lock (_lock)
        {
            changes = _changes;
        }

        try
        {
            await _callback(cancellationToken);
        }
#pragma warning disable CA1031 // a failing tick is logged; the timer keeps going, as in Orleans
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogTickFailed(_activation.Logger, exception, _activation.GrainId);
        }
        finally
        {
            lock (_lock)
            {
                // A Change made by the callback itself has already set the next firing.
                if (!_disposed && _changes == changes && _period != Timeout.InfiniteTimeSpan)
                {
                    _timer.Change(_period, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "A timer callback of {Grain} failed.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, GrainId grain);
}
