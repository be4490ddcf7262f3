namespace Optimus.Runtime.Invocation;

/// <summary>The four shapes a grain method may return.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}
