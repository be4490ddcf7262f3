using Optimus.Runtime.Invocation;

namespace Optimus.Runtime.Client;

/// <summary>The client's runtime for references whose calls go through one gateway (when it is connected).</summary>
internal sealed class GatewayBoundRuntime(ClientRuntime runtime, SiloAddress gateway) : IRuntimeClient
{
    public InterfaceRegistry Interfaces => runtime.Interfaces;

    public Task<T> InvokeAsync<T>(GrainReference target, MethodDescriptor method, object?[] arguments) =>
        runtime.InvokeAsync<T>(target, method, arguments, gateway);
}
