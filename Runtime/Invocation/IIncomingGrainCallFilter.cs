namespace Optimus.Runtime;

/// <summary>
/// Runs around every grain call a silo serves: the hook for metrics, tracing and the dashboard. Register it with
/// <c>AddIncomingGrainCallFilter</c>, or implement it on a grain class to filter that grain's calls only. A filter must
/// call <see cref="IIncomingGrainCallContext.Invoke"/> exactly once unless it means to stop the call.
/// </summary>
public interface IIncomingGrainCallFilter
{
    /// <summary>Called for each incoming call, on the grain's activation.</summary>
    Task Invoke(IIncomingGrainCallContext context);
}
