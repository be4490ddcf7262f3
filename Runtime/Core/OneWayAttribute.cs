namespace Optimus.Runtime;

/// <summary>
/// On a grain interface method returning <see cref="Task"/> or <see cref="ValueTask"/>: the caller does not wait for the
/// grain. The call completes as soon as the message is sent; the grain's result and exceptions are not reported back.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;
