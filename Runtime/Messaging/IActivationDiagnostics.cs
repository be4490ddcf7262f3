namespace Optimus.Runtime.Messaging;

/// <summary>Describes what a local grain is doing, for timeout messages ("busy with a/1.Run for 5.0 s, 2 waiting").</summary>
internal interface IActivationDiagnostics
{
    string? Describe(GrainId grain);
}
