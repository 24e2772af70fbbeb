using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spoke.OAuth;
using Spoke.OAuth.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddSqliteHubSpotTokenStore(path)</c> and <c>services.AddPostgresHubSpotTokenStore(connectionString)</c>.</summary>
public static class HubSpotTokenStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="SqliteHubSpotTokenStore"/> on <paramref name="path"/> as the <see cref="IHubSpotTokenStore"/>
    /// singleton (replacing any store registered before), and Data Protection when nothing registered it yet. Configure
    /// where the keys live yourself (<c>services.AddDataProtection().PersistKeysToFileSystem(...)</c>): tokens written
    /// with keys that are later lost cannot be read again.
    /// </summary>
    public static IServiceCollection AddSqliteHubSpotTokenStore(this IServiceCollection services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Register(services, sp => new SqliteHubSpotTokenStore(path, sp.GetRequiredService<IDataProtectionProvider>()));
    }

    /// <summary>
    /// Registers a <see cref="PostgresHubSpotTokenStore"/> on <paramref name="connectionString"/> (table
    /// <c>hubspot_installations</c> in <paramref name="schema"/>) as the <see cref="IHubSpotTokenStore"/> singleton
    /// (replacing any store registered before), and Data Protection when nothing registered it yet. Every instance of the
    /// app must share one Data Protection key ring (configure where it lives yourself).
    /// </summary>
    public static IServiceCollection AddPostgresHubSpotTokenStore(this IServiceCollection services, string connectionString, string schema = "spoke_oauth")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        return Register(services, sp => new PostgresHubSpotTokenStore(connectionString, sp.GetRequiredService<IDataProtectionProvider>(), schema));
    }

    private static IServiceCollection Register<TStore>(IServiceCollection services, Func<IServiceProvider, TStore> create)
        where TStore : class, IHubSpotTokenStore
    {
        if (!services.Any(d => d.ServiceType == typeof(IDataProtectionProvider)))
        {
            services.AddDataProtection();
        }

        services.RemoveAll<IHubSpotTokenStore>();
        services.RemoveAll<SqliteHubSpotTokenStore>();
        services.RemoveAll<PostgresHubSpotTokenStore>();
        // The container owns (and disposes) the concrete store; the interface resolves to the same instance.
        services.AddSingleton(create);
        services.AddSingleton<IHubSpotTokenStore>(sp => sp.GetRequiredService<TStore>());
        return services;
    }
}
