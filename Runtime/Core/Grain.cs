using Microsoft.Extensions.DependencyInjection;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Reminders;
using Optimus.Runtime.Timers;

namespace Optimus.Runtime;

/// <summary>
/// The base class of grains. The runtime creates instances (never <c>new</c> one yourself), loads their persistent state,
/// calls <see cref="OnActivateAsync"/>, runs their calls one turn at a time, and calls <see cref="OnDeactivateAsync"/>
/// when they are collected, asked to leave or the silo stops.
/// </summary>
public abstract class Grain
{
    /// <summary>Binds the grain to the activation the runtime is creating it for.</summary>
    protected Grain() => Activation = ActivationData.Constructing
        ?? throw new InvalidOperationException("Grains are created by the runtime; get a reference from IGrainFactory instead.");

    /// <summary>This grain's id.</summary>
    public GrainId GrainId => Activation.GrainId;

    internal ActivationData Activation { get; }

    /// <summary>The factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => Activation.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services.</summary>
    protected IServiceProvider ServiceProvider => Activation.Services;

    /// <summary>This grain's key.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>Called after the persistent state is loaded and before the first call. An exception fails the activation
    /// and every call that waited for it; the next call tries again.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once no call is running, before the activation is dropped. The token fires when the silo's
    /// deactivation timeout passes.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates the grain as soon as its running calls finish; the next call activates it afresh.</summary>
    protected void DeactivateOnIdle() =>
        Activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle"));

    /// <summary>Keeps the grain from idle collection for at least <paramref name="period"/> (zero or less: resets).</summary>
    protected void DelayDeactivation(TimeSpan period) => Activation.DelayDeactivation(period);

    /// <summary>A reference to this grain, to pass to other grains.</summary>
    protected TGrainInterface AsReference<TGrainInterface>() where TGrainInterface : IAddressable =>
        GrainFactory.GetGrain<TGrainInterface>(GrainId);

    /// <summary>Starts a timer whose ticks run as turns of this activation (see <see cref="GrainTimerCreationOptions"/>).</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(Activation, callback, options);
    }

    /// <summary>Starts a timer that fires after <paramref name="dueTime"/> and then every <paramref name="period"/>.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerCreationOptions(dueTime, period));

    /// <summary>
    /// Registers (or moves) a durable reminder: it calls <see cref="IRemindable.ReceiveReminder"/> after
    /// <paramref name="dueTime"/> and every <paramref name="period"/>, activating the grain if needed, across restarts,
    /// until unregistered. The grain must implement <see cref="IRemindable"/>.
    /// </summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string name, TimeSpan dueTime, TimeSpan period)
    {
        if (this is not IRemindable)
        {
            throw new InvalidOperationException($"{GetType()} must implement IRemindable to register reminders.");
        }

        return Reminders.RegisterOrUpdateAsync(GrainId, name, dueTime, period);
    }

    /// <summary>Removes a reminder.</summary>
    protected Task UnregisterReminder(IGrainReminder reminder) => Reminders.UnregisterAsync(reminder);

    /// <summary>The reminder of this grain with that name, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string name) => Reminders.GetAsync(GrainId, name);

    /// <summary>All reminders of this grain.</summary>
    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() => Reminders.GetAllAsync(GrainId);

    private ReminderService Reminders => Activation.Services.GetRequiredService<ReminderService>();
}
