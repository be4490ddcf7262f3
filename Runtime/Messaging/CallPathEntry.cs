namespace Optimus.Runtime.Messaging;

/// <summary>
/// One hop of a call path: a grain and the method it was running when it made the call. Carried only for
/// diagnostics, so that a timeout can say who was waiting on whom (A.Run → B.Ask → A.Ping).
/// </summary>
internal readonly record struct CallPathEntry(GrainId Grain, string Method)
{
    public override string ToString() => $"{Grain}.{Method}";
}
