using EventStore;
using EventStore.Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL event store with a service collection.</summary>
public static class EventStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresEventStore"/> as a singleton, and as <see cref="IEventStore"/>,
    /// <see cref="IAggregateStreamReader"/>, <see cref="IEventReader"/> and <see cref="IGlobalPositionReader"/>, with
    /// the default <see cref="EventStoreOptions"/>.
    /// </summary>
    /// <remarks>
    /// The options are validated when the host starts, so a bad table name stops the start instead of failing the first
    /// request. The store still opens no connection: it works in the transactions you begin, on connections from your
    /// own <c>NpgsqlDataSource</c> or anywhere else. Without <see cref="EventStoreOptions.Logger"/>, it logs through the
    /// registered <see cref="ILoggerFactory"/>, if any, under the category <c>EventStore</c>.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <returns>The options builder, for further configuration or validation.</returns>
    public static OptionsBuilder<EventStoreOptions> AddPostgresEventStore(this IServiceCollection services) =>
        Register(services, configuration: null, configure: null);

    /// <summary>Registers the store as <see cref="AddPostgresEventStore(IServiceCollection)"/> does, with options set by <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The options builder, for further configuration or validation.</returns>
    public static OptionsBuilder<EventStoreOptions> AddPostgresEventStore(this IServiceCollection services, Action<EventStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, configuration: null, configure);
    }

    /// <summary>
    /// Registers the store as <see cref="AddPostgresEventStore(IServiceCollection)"/> does, with the options bound from
    /// <paramref name="configuration"/>: keys named like the properties, such as <c>EventsTable</c> or <c>NotifyChannel</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options, such as <c>Configuration.GetSection("EventStore")</c>.</param>
    /// <returns>The options builder, for further configuration or validation.</returns>
    public static OptionsBuilder<EventStoreOptions> AddPostgresEventStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Register(services, configuration, configure: null);
    }

    /// <summary>
    /// Registers the store with the options bound from <paramref name="configuration"/> and then set by
    /// <paramref name="configure"/>, which therefore wins over the bound settings.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options, such as <c>Configuration.GetSection("EventStore")</c>.</param>
    /// <param name="configure">Sets options after binding.</param>
    /// <returns>The options builder, for further configuration or validation.</returns>
    public static OptionsBuilder<EventStoreOptions> AddPostgresEventStore(
        this IServiceCollection services, IConfiguration configuration, Action<EventStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, configuration, configure);
    }

    private static OptionsBuilder<EventStoreOptions> Register(
        IServiceCollection services, IConfiguration? configuration, Action<EventStoreOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EventStoreOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventStoreOptions>, EventStoreOptionsValidator>());
        options.ValidateOnStart();
        services.TryAddSingleton(provider => new PostgresEventStore(WithLogger(
            provider.GetRequiredService<IOptions<EventStoreOptions>>().Value, provider.GetService<ILoggerFactory>())));
        services.TryAddSingleton<IEventStore>(provider => provider.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<IAggregateStreamReader>(provider => provider.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<IEventReader>(provider => provider.GetRequiredService<PostgresEventStore>());
        services.TryAddSingleton<IGlobalPositionReader>(provider => provider.GetRequiredService<PostgresEventStore>());
        return options;
    }

    private static EventStoreOptions WithLogger(EventStoreOptions options, ILoggerFactory? loggers) =>
        options.Logger is null && loggers is not null ? options with { Logger = loggers.CreateLogger("EventStore") } : options;
}
