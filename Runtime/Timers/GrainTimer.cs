using Microsoft.Extensions.Logging;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Messaging;

namespace Optimus.Runtime.Timers;

/// <summary>
/// A timer of one activation. Each tick is posted into the activation's queue like a message, so it obeys the turn
/// rules; the next tick is scheduled only after the callback has finished, so ticks of one timer never overlap (a
/// firing that comes while a tick runs is held until it ends). Disposing the timer cancels the token its callback
/// gets, and no tick starts after <see cref="Dispose"/> has returned.
/// </summary>
internal sealed partial class GrainTimer : IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly MessageFlags _flags;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _disposed = new();
    private readonly object _lock = new();
    private TimeSpan _period;
    private int _changes;
    private bool _ticking;
    private bool _firedWhileTicking;

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
        _timer = activation.Time.CreateTimerWithoutContext(static state => ((GrainTimer)state!).OnFired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(options.DueTime, Timeout.InfiniteTimeSpan);
    }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidatePeriod(dueTime, nameof(dueTime));
        ValidatePeriod(period, nameof(period));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            _period = period;
            _changes++;
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _disposed.Cancel();
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
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            if (_ticking)
            {
                _firedWhileTicking = true; // a Change during the tick: fire once it ends
                return;
            }

            _ticking = true;
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

    private async Task TickAsync()
    {
        int changes;
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            changes = _changes;
        }

        try
        {
            await _callback(_disposed.Token);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a failing tick is logged; the timer keeps going, as in Orleans
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogTickFailed(_activation.Logger, exception, _activation.GrainId);
        }
        finally
        {
            bool fireNow;
            lock (_lock)
            {
                _ticking = false;
                fireNow = _firedWhileTicking;
                _firedWhileTicking = false;

                // A Change made by the callback itself (or during it) has already set the next firing.
                if (!fireNow && !_disposed.IsCancellationRequested && _changes == changes && _period != Timeout.InfiniteTimeSpan)
                {
                    _timer.Change(_period, Timeout.InfiniteTimeSpan);
                }
            }

            if (fireNow)
            {
                OnFired();
            }
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "A timer callback of {Grain} failed.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, GrainId grain);
}
