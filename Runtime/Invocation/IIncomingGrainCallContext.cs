using System.Reflection;

namespace Optimus.Runtime;

/// <summary>One grain call, as a filter sees it.</summary>
public interface IIncomingGrainCallContext
{
    /// <summary>The grain being called.</summary>
    GrainId GrainId { get; }

    /// <summary>The grain instance.</summary>
    object Grain { get; }

    /// <summary>The interface method being called.</summary>
    MethodInfo InterfaceMethod { get; }

    /// <summary>The arguments (already copied for this grain; a filter may inspect them).</summary>
    IReadOnlyList<object?> Arguments { get; }

    /// <summary>The method's result once <see cref="Invoke"/> has completed; a filter may replace it.</summary>
    object? Result { get; set; }

    /// <summary>Runs the next filter, or the grain method itself.</summary>
    Task Invoke();
}
