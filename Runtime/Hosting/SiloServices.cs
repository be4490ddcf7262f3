using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Optimus.Runtime.Catalog;
using Optimus.Runtime.Invocation;
using Optimus.Runtime.Membership;
using Optimus.Runtime.Messaging;
using Optimus.Runtime.Networking;
using Optimus.Runtime.Placement;
using Optimus.Runtime.Reminders;
using Optimus.Runtime.Serialization;

namespace Optimus.Runtime.Hosting;

/// <summary>The runtime's own services, registered once per host.</summary>
internal static class SiloServices
{
    public static void Add(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(LocalSilo)))
        {
            return;
        }

        services.AddValidatedOptions<SiloOptions>().BindConfiguration("Optimus:Silo");
        services.AddValidatedOptions<MessagingOptions>().BindConfiguration("Optimus:Messaging");
        services.AddValidatedOptions<GrainCollectionOptions>().BindConfiguration("Optimus:GrainCollection");
        services.AddValidatedOptions<ReminderOptions>().BindConfiguration("Optimus:Reminders");
        services.AddOptions<SerializationOptions>();
        services.AddOptions<GrainTypeOptions>();
        services.AddValidatedOptions<SqliteStorageOptions>().BindConfiguration("Optimus:Sqlite");
        services.AddValidatedOptions<ClusterMembershipOptions>().BindConfiguration("Optimus:Membership");

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<LocalSilo>();
        services.AddSingleton<ILocalSilo>(sp => sp.GetRequiredService<LocalSilo>());
        services.AddSingleton<InterfaceRegistry>();
        services.AddSingleton<GrainManifest>();
        services.AddSingleton<GrainCodec>();
        services.AddSingleton<MessageCodec>();
        services.AddSingleton<GrainPlacement>();
        services.AddSingleton<MessageCenter>();
        services.AddSingleton<SiloConnections>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<CallbackTable>(sp => new CallbackTable(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<MessagingOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CallbackTable>>(),
            sp.GetRequiredService<Catalog.Catalog>()));
        services.AddSingleton<SiloRuntimeClient>();
        services.AddSingleton<GrainFactory>(sp => new GrainFactory(sp.GetRequiredService<SiloRuntimeClient>(), sp.GetRequiredService<GrainManifest>()));
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainFactory>());
        services.AddSingleton<GrainActivator>();
        services.AddSingleton<ActivationCollector>();
        services.AddSingleton<Catalog.Catalog>();
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<ReminderService>();
        services.AddHostedService<Silo>();
    }
}
