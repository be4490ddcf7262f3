using Microsoft.Extensions.Options;

namespace Optimus.Grains.Hosting;

/// <summary>Refuses to start a silo whose <see cref="OptimusOptions"/> are invalid, naming each bad setting.</summary>
internal sealed class OptimusOptionsValidator : IValidateOptions<OptimusOptions>
{
    public ValidateOptionsResult Validate(string? name, OptimusOptions options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
