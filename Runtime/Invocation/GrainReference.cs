namespace Optimus.Runtime.Invocation;

/// <summary>
/// The base of every grain reference: a grain id and the runtime that sends its calls. The proxy class the grain code
/// generator writes for each interface derives from it and turns an interface call into one request through the
/// method's descriptor, found by the interface that declares the method and the method's slot in that interface's
/// generated code. Equal when the ids are.
/// </summary>
public abstract class GrainReference
{
    internal GrainId GrainId { get; private set; }

    internal IRuntimeClient Runtime { get; private set; } = null!;

    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => GrainId.ToString();

    internal void Bind(GrainId grainId, IRuntimeClient runtime)
    {
        GrainId = grainId;
        Runtime = runtime;
    }

    /// <summary>Sends a call to a method returning <see cref="Task"/>.</summary>
    protected Task IssueTask(Type declaring, int slot, object?[] arguments) =>
        Runtime.InvokeAsync<object?>(this, Runtime.Interfaces.GetMethod(declaring, slot), arguments);

    /// <summary>Sends a call to a method returning <see cref="Task{T}"/>.</summary>
    protected Task<T> IssueTaskOf<T>(Type declaring, int slot, object?[] arguments) =>
        Runtime.InvokeAsync<T>(this, Runtime.Interfaces.GetMethod(declaring, slot), arguments);

    /// <summary>Sends a call to a method returning <see cref="ValueTask"/>.</summary>
    protected ValueTask IssueValueTask(Type declaring, int slot, object?[] arguments) =>
        new(IssueTask(declaring, slot, arguments));

    /// <summary>Sends a call to a method returning <see cref="ValueTask{T}"/>.</summary>
    protected ValueTask<T> IssueValueTaskOf<T>(Type declaring, int slot, object?[] arguments) =>
        new(IssueTaskOf<T>(declaring, slot, arguments));
}
