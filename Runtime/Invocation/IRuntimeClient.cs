namespace Optimus.Runtime.Invocation;

/// <summary>
/// What a grain reference needs to make a call: inside a silo the silo itself, outside it (part 2) a cluster client.
/// </summary>
internal interface IRuntimeClient
{
    InterfaceRegistry Interfaces { get; }

    /// <summary>Sends a call and returns its result; a one-way call completes when it is sent.</summary>
    Task<T> InvokeAsync<T>(GrainReference target, MethodDescriptor method, object?[] arguments);
}
