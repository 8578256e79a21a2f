using System.Net;
using System.Net.Security;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Certificates;
using Drover.ControlPlane.Controllers;
using Drover.ControlPlane.Controllers.Autoscaling;
using Drover.ControlPlane.ResourceMetrics;
using Drover.ControlPlane.Controllers.Deployments;
using Drover.ControlPlane.Controllers.ReplicaSets;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Observability;
using Drover.ControlPlane.Scheduling;
using Drover.ControlPlane.Storage;
using Drover.ControlPlane.Storage.Encryption;
using Drover.Store;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Prometheus;
using Drover.ControlPlane.Controllers.ServiceEndpoints;
using Drover.ControlPlane.Controllers.EndpointSlices;
using Drover.ControlPlane.Controllers.GarbageCollection;
using Drover.ControlPlane.Controllers.NodeLifecycle;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Registry.Allocation;
using Drover.ControlPlane.Registry.Strategies;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane;

/// <summary>Wires droverd together: store, PKI, credentials, API routes, controllers, metrics.</summary>
public static partial class DroverServer
{
    public static async Task<int> RunAsync(ServerOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = TimeProvider.System;
        Directory.CreateDirectory(options.DataDirectory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        SqliteStore store;
        try
        {
            store = await SqliteStore.OpenAsync(Path.Combine(options.DataDirectory, "state.db"), null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"droverd: cannot open the store in {options.DataDirectory}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        using var startupLoggers = LoggerFactory.Create(logging => ConfigureConsole(logging));
        SecretsEncryption encryption;
        try
        {
            encryption = await SecretsEncryption.OpenAsync(store, options.SecretsEncryptionKeyFile ?? SecretsEncryption.DefaultKeyFile(options.DataDirectory),
                options.SecretsEncryption, time, startupLoggers.CreateLogger("droverd"), ct).ConfigureAwait(false);
        }
        catch (SecretsEncryptionException e)
        {
            await Console.Error.WriteLineAsync($"droverd: secrets encryption: {e.Message}").ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            return 1;
        }

        var advertise = options.AdvertiseAddress ?? (IPAddress.IsLoopback(options.BindAddress) || options.BindAddress.Equals(IPAddress.Any) ? "127.0.0.1" : options.BindAddress.ToString());
        var sans = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "::1", Dns.GetHostName(), advertise };
        sans.UnionWith(options.ExtraSans);
        if (!options.BindAddress.Equals(IPAddress.Any))
            sans.Add(options.BindAddress.ToString());
        var pki = ClusterPki.LoadOrCreate(options.DataDirectory, sans, time, options.CertificateLifetime);
        var credentials = Credentials.LoadOrCreate(options.DataDirectory, pki.CaSha256);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ConfigureConsole(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies are limited (with a Status answer) by the API itself; Kestrel's cap only backs it up.
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes * 2;
            // The certificate is taken per connection, so a renewal (CertificateRotation) is served from the next
            // handshake on without a restart; connections already open keep theirs.
            kestrel.Listen(options.BindAddress, options.Port, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = pki.ServingContext }),
            }));
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(encryption.Store);
        services.AddSingleton(encryption);
        services.AddSingleton<SecretsEncryptionEndpoint>();
        services.AddSingleton(pki);
        services.AddHostedService<CertificateRotation>();
        services.AddSingleton<CertificateEndpoint>();
        services.AddSingleton(Metrics.DefaultRegistry);
        services.AddSingleton<ApiMetrics>();
        services.AddSingleton<ObjectStore>();
        services.AddSingleton<PodCidrAllocator>();
        services.AddSingleton<RangeStore>();
        services.AddSingleton<ServiceAllocator>();
        services.AddSingleton<ServiceAllocationRepair>();
        services.AddHostedService(sp => sp.GetRequiredService<ServiceAllocationRepair>());
        services.AddSingleton<ResourceStrategies>();
        services.AddSingleton<ObjectDeleter>();
        services.AddSingleton<GarbageCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<GarbageCollector>());
        services.AddHostedService<CompactionService>();
        services.AddHostedService<MemoryReclaimService>();
        services.AddSingleton<ObjectService>();
        services.AddSingleton<SharedInformers>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedInformers>());
        services.AddSingleton<EventWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<EventWriter>());
        services.AddSingleton<ReplicaSetController>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplicaSetController>());
        services.AddSingleton<DeploymentController>();
        services.AddHostedService(sp => sp.GetRequiredService<DeploymentController>());
        services.AddSingleton<ResourceEndpoints>();
        services.AddSingleton<ApiRouter>();
        services.AddSingleton(credentials);
        services.AddSingleton<TokenAuthentication>();
        services.AddSingleton(options.NodeCredentials);
        services.AddSingleton<NodeCredentials>();
        services.AddSingleton<NodeJoinEndpoint>();
        services.AddSingleton<NodeGraph>();
        services.AddSingleton<NodeAuthorizer>();
        services.AddSingleton<NodeRestriction>();
        services.AddSingleton<NodeCredentialEndpoint>();
        services.AddSingleton<Authorizer>();
        services.AddSingleton(new AgentLogClient(() => pki.NodeClientCertificate, time));
        services.AddSingleton<PodLogEndpoint>();
        services.AddSingleton<PodBinder>();
        services.AddSingleton<BindingEndpoint>();
        services.AddSingleton<SchedulerMetrics>();
        services.AddHostedService<SchedulerService>();
        services.AddHostedService<EndpointsController>();
        services.AddHostedService<EndpointSliceController>();
        services.AddHostedService<NodeLifecycleController>();
        services.AddSingleton(options.Autoscaling);
        services.AddSingleton(new ResourceUsageStore(time) { MaxAge = options.ResourceMetricsMaxAge });
        services.AddSingleton<ResourceMetricsEndpoints>();
        services.AddSingleton<PrometheusServiceDiscovery>();
        services.AddHostedService<HorizontalPodAutoscalerController>();

        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("droverd");
        await Bootstrap.EnsureAsync(app.Services.GetRequiredService<ObjectService>(), ct).ConfigureAwait(false);
        // Before serving: a record of another range (a changed --service-cidr) gets what existing Services hold.
        await app.Services.GetRequiredService<ServiceAllocationRepair>().RunOnceAsync(ct).ConfigureAwait(false);

        var auth = app.Services.GetRequiredService<TokenAuthentication>();
        var router = app.Services.GetRequiredService<ApiRouter>();
        app.Use(next => context => auth.InvokeAsync(context, next));
        app.MapGet("/healthz", WriteOk);
        app.MapGet("/livez", WriteOk);
        app.MapGet("/readyz", context => store.CurrentRevision >= 0 ? WriteOk(context) : WriteUnavailable(context));
        app.MapGet("/version", WriteVersion);
        app.MapGet("/cacerts", context =>
        {
            context.Response.ContentType = "application/x-pem-file";
            return context.Response.WriteAsync(pki.CaPem);
        });
        app.MapPost(NodeJoinEndpoint.Path, app.Services.GetRequiredService<NodeJoinEndpoint>().HandleAsync);
        var nodeCredentials = app.Services.GetRequiredService<NodeCredentialEndpoint>();
        app.Map(NodeCredentialApi.SelfPath, nodeCredentials.HandleSelfAsync);
        app.Map(NodeCredentialApi.AdminPath, nodeCredentials.HandleAdminAsync);
        app.Map(NodeCredentialApi.AdminPath + "/{name}", nodeCredentials.HandleAdminAsync);
        app.Map(CertificateStatusList.Path, app.Services.GetRequiredService<CertificateEndpoint>().HandleAsync);
        var secretsEncryption = app.Services.GetRequiredService<SecretsEncryptionEndpoint>();
        app.Map(SecretsEncryptionEndpoint.Path, secretsEncryption.HandleAsync);
        app.Map(SecretsEncryptionEndpoint.RotatePath, secretsEncryption.HandleAsync);
        app.MapMetrics("/metrics");
        app.Map(PrometheusServiceDiscovery.AgentsPath, app.Services.GetRequiredService<PrometheusServiceDiscovery>().HandleAsync);
        var resourceMetrics = app.Services.GetRequiredService<ResourceMetricsEndpoints>();
        app.MapPost(ResourceMetricsEndpoints.ReportPath, resourceMetrics.ReportAsync);
        app.Map(ResourceMetricsEndpoints.ReadPrefix + "/{**rest}", resourceMetrics.ReadAsync);
        app.Map("/api/{**rest}", router.HandleAsync);
        app.Map("/apis/{**rest}", router.HandleAsync);

        await app.StartAsync(ct).ConfigureAwait(false);
        var listening = app.Urls.FirstOrDefault() ?? $"https://{advertise}:{options.Port}";
        var port = new Uri(listening.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        var server = new Uri($"https://{(advertise.Contains(':', StringComparison.Ordinal) ? $"[{advertise}]" : advertise)}:{port}");
        var adminConfigPath = Path.Combine(options.DataDirectory, "admin.config");
        ClientSettings.Write(adminConfigPath, server, credentials.AdminToken, pki.CaPem);
        if (options.ClientConfigOutput is { } extra)
            ClientSettings.Write(extra, server, credentials.AdminToken, pki.CaPem);
        // drover-ingress runs with --config DATA/ingress.config: its own, narrower identity.
        ClientSettings.Write(Path.Combine(options.DataDirectory, "ingress.config"), server, credentials.IngressToken, pki.CaPem, userName: "drover-ingress");
        LogStarted(logger, server.ToString(), options.DataDirectory, adminConfigPath);

        await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
        return 0;
    }

    private static void ConfigureConsole(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
    }

    private static Task WriteOk(HttpContext context)
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("ok");
    }

    private static Task WriteUnavailable(HttpContext context)
    {
        context.Response.StatusCode = 503;
        return context.Response.WriteAsync("store not ready");
    }

    private static Task WriteVersion(HttpContext context) =>
        ResponseWriter.WriteJsonAsync(context, DroverVersion.Info, ApiJsonContext.Default.VersionInfo);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "droverd serving https at {Server} (data in {DataDirectory}); admin client config: {ClientConfig}")]
    private static partial void LogStarted(ILogger logger, string server, string dataDirectory, string clientConfig);
}
