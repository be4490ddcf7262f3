namespace Optimus.Runtime;

/// <summary>Where a silo is in its life.</summary>
public enum SiloStatus
{
    /// <summary>Built, not started.</summary>
    Created,

    /// <summary>Starting: storage and reminders are being set up.</summary>
    Joining,

    /// <summary>Serving calls.</summary>
    Active,

    /// <summary>Stopping: no new calls from clients; running calls finish and every grain deactivates.</summary>
    ShuttingDown,

    /// <summary>Stopped.</summary>
    Stopped,
}
