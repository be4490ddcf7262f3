namespace Optimus.Runtime;

/// <summary>
/// An options class that can say what is wrong with it. Registered with
/// <see cref="ValidatedOptionsExtensions.AddValidatedOptions{T}"/> and bound from configuration where it is registered,
/// it is checked at start-up: a host with an invalid setting refuses to start, naming it.
/// </summary>
public interface IValidatedOptions
{
    /// <summary>One message per invalid setting, naming it and its value.</summary>
    IEnumerable<string> Validate();
}
