using Microsoft.Extensions.Options;

namespace Optimus.Runtime.Hosting;

/// <summary>The one validator for every <see cref="IValidatedOptions"/> class: a host with invalid settings refuses to start, saying why.</summary>
internal sealed class OptionsValidator<T> : IValidateOptions<T>
    where T : class, IValidatedOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
