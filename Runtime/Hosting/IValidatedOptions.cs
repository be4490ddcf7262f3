namespace Optimus.Runtime.Hosting;

/// <summary>An options class that can say what is wrong with it; checked at start-up by <see cref="OptionsValidator{T}"/>.</summary>
internal interface IValidatedOptions
{
    /// <summary>One message per invalid setting, naming it and its value.</summary>
    IEnumerable<string> Validate();
}
