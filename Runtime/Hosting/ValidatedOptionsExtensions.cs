using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;

namespace Optimus.Runtime;

/// <summary>The one way options are registered here: bound from a configuration section and validated at start-up.</summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Checks <typeparamref name="T"/> when the host starts. Bind it where it is registered,
    /// <c>services.AddValidatedOptions&lt;T&gt;().BindConfiguration(section)</c>: there the type is named, and the
    /// configuration binder's source generator writes the binding instead of reflection doing it at run time.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        this IServiceCollection services)
        where T : class, IValidatedOptions
    {
        services.AddSingleton<IValidateOptions<T>>(new OptionsValidator<T>());
        return services.AddOptions<T>().ValidateOnStart();
    }
}
