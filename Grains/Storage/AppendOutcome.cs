namespace Optimus.Grains.Storage;

/// <summary>What appending a batch to a staging log did.</summary>
internal enum AppendOutcome
{
    /// <summary>The batch is new and now on disk.</summary>
    Appended,

    /// <summary>The same batch (same id, same entries) is already there: nothing was written.</summary>
    Duplicate,

    /// <summary>A different batch with the same id is already there: nothing was written.</summary>
    Conflict,
}
