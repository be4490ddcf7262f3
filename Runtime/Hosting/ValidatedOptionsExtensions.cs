using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Hosting;

namespace Optimus.Runtime;

/// <summary>The one way options are registered here: bound from a configuration section and validated at start-up.</summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>Binds <typeparamref name="T"/> from <paramref name="section"/> and checks it when the host starts.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class, IValidatedOptions
    {
        services.AddSingleton<IValidateOptions<T>, OptionsValidator<T>>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }
}
