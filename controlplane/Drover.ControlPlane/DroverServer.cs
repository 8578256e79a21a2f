using System.Net;
using System.Net.Security;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.Api.PodNetwork;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Api.Access;
using Drover.ControlPlane.Api.Discovery;
using Drover.ControlPlane.Api.OpenApi;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Certificates;
using Drover.ControlPlane.Controllers;
using Drover.ControlPlane.Controllers.Autoscaling;
using Drover.ControlPlane.ResourceMetrics;
using Drover.ControlPlane.Controllers.Deployments;
using Drover.ControlPlane.Controllers.CronJobs;
using Drover.ControlPlane.Controllers.DaemonSets;
using Drover.ControlPlane.Controllers.Jobs;
using Drover.ControlPlane.Controllers.LoadBalancers;
using Drover.ControlPlane.Controllers.ReplicaSets;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Observability;
using Drover.ControlPlane.Scheduling;
using Drover.ControlPlane.Storage;
using Drover.ControlPlane.Storage.Encryption;
using Drover.Store;
using Drover.Store.Etcd;
using Drover.ControlPlane.Leadership;
using Drover.ControlPlane.Joining;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Prometheus;
using Drover.ControlPlane.Controllers.ServiceEndpoints;
using Drover.ControlPlane.Controllers.EndpointSlices;
using Drover.ControlPlane.Controllers.GarbageCollection;
using Drover.ControlPlane.Controllers.NodeLifecycle;
using Drover.ControlPlane.Controllers.PodGarbageCollection;
using Drover.ControlPlane.Controllers.PodNetwork;
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

        // A joining replica fetches the shared CA, keys and tokens (the Secrets encryption key among them) before anything
        // creates its own.
        if (options.JoinServer is { } joinServer && !ServerJoiner.HasClusterCa(options.DataDirectory))
        {
            try
            {
                await ServerJoiner.JoinAsync(joinServer, options.JoinToken!, options.DataDirectory, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or NodeJoinException or IOException or System.Security.Cryptography.CryptographicException or JsonException or InvalidDataException or TaskCanceledException)
            {
                await Console.Error.WriteLineAsync($"droverd: cannot join the cluster of {joinServer}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }
        var store = await OpenStoreAsync(options, ct).ConfigureAwait(false);
        if (store is null)
            return 1;
        await using var storeLifetime = store.ConfigureAwait(false);

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
            return 1;
        }

        var advertise = options.AdvertiseAddress ?? (IPAddress.IsLoopback(options.BindAddress) || options.BindAddress.Equals(IPAddress.Any) ? "127.0.0.1" : options.BindAddress.ToString());
        var sans = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "::1", Dns.GetHostName(), advertise };
        sans.UnionWith(options.ExtraSans);
        if (!options.BindAddress.Equals(IPAddress.Any))
            sans.Add(options.BindAddress.ToString());
        var pki = ClusterPki.LoadOrCreate(options.DataDirectory, sans, time, options.CertificateLifetime);
        var credentials = Credentials.LoadOrCreate(options.DataDirectory, pki.CaSha256);
        var serverToken = ServerToken.LoadOrCreate(options.DataDirectory, pki.CaSha256);

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
        // After Kestrel's own (TryAdd) registration, so this one is what Kestrel and the socket transport resolve.
        services.AddSingleton<IMemoryPoolFactory<byte>, BoundedBlockMemoryPool.Factory>();
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
        services.AddSingleton<WriteFencing>();
        services.AddSingleton<ObjectStore>();
        services.AddSingleton<PodCidrAllocator>();
        services.AddSingleton<RangeStore>();
        services.AddSingleton<ServiceAllocator>();
        services.AddSingleton<ServiceAllocationRepair>();
        services.AddSingleton<ResourceStrategies>();
        services.AddSingleton<ObjectDeleter>();
        services.AddSingleton<GarbageCollector>();
        services.AddSingleton<CompactionService>();
        services.AddHostedService<MemoryReclaimService>();
        if (store is not SqliteStore)
        {
            // A remote store: the create-time namespace check reads this replica's watch, not the store (NamespaceCache).
            services.AddSingleton<NamespaceCache>();
            services.AddHostedService(sp => sp.GetRequiredService<NamespaceCache>());
        }
        services.AddSingleton<ObjectService>();
        services.AddSingleton<SharedInformers>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedInformers>());
        services.AddSingleton<EventWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<EventWriter>());
        services.AddSingleton<ReplicaSetController>();
        services.AddSingleton<DeploymentController>();
        services.AddSingleton<JobController>();
        services.AddSingleton<DaemonSetController>();
        services.AddSingleton<CronJobController>();
        services.AddSingleton<ResourceEndpoints>();
        services.AddSingleton<ApiRouter>();
        services.AddSingleton<DiscoveryEndpoints>();
        services.AddSingleton<AccessReviewEndpoint>();
        services.AddSingleton<OpenApiEndpoints>();
        services.AddSingleton(credentials);
        services.AddSingleton<TokenAuthentication>();
        services.AddSingleton(options.NodeCredentials);
        services.AddSingleton<NodeCredentials>();
        services.AddSingleton<NodeJoinEndpoint>();
        services.AddSingleton(new ServerBootstrapEndpoint.Token(serverToken));
        services.AddSingleton<ServerBootstrapEndpoint>();
        services.AddSingleton<NodeGraph>();
        services.AddSingleton<NodeAuthorizer>();
        services.AddSingleton<NodeRestriction>();
        services.AddSingleton<NodeCredentialEndpoint>();
        services.AddSingleton<Authorizer>();
        services.AddSingleton<RulesResolver>();
        services.AddSingleton(new AgentLogClient(() => pki.NodeClientCertificate, time));
        services.AddSingleton<PodLogEndpoint>();
        services.AddSingleton<PodStreamEndpoint>();
        services.AddSingleton<PodBinder>();
        services.AddSingleton<BindingEndpoint>();
        services.AddSingleton<SchedulerMetrics>();
        services.AddSingleton<SchedulerService>();
        services.AddSingleton<EndpointsController>();
        services.AddSingleton<EndpointSliceController>();
        services.AddSingleton<NodeLifecycleController>();
        services.AddSingleton<PodGcMetrics>();
        services.AddSingleton<PodGarbageCollector>();
        services.AddSingleton<PodNetworkController>();
        services.AddSingleton<ServiceLoadBalancerController>();
        services.AddSingleton(options.Autoscaling);
        services.AddSingleton(new ResourceUsageStore(time) { MaxAge = options.ResourceMetricsMaxAge });
        services.AddSingleton<ResourceMetricsEndpoints>();
        services.AddSingleton<PrometheusServiceDiscovery>();
        services.AddSingleton<HorizontalPodAutoscalerController>();
        services.AddSingleton<ServerRestart>();
        // What must run once in the cluster runs on the leader only, created when this replica is elected.
        services.AddSingleton(sp => new LeaderServices(
            store is SqliteStore ? null : new LeaderElector(
                sp.GetRequiredService<ObjectService>(), options.LeaderElection, LeaderIdentity(options.Port), time, sp.GetRequiredService<ILogger<LeaderElector>>()),
            sp.GetRequiredService<WriteFencing>(),
            [
                () => sp.GetRequiredService<GarbageCollector>(),
                () => sp.GetRequiredService<CompactionService>(),
                () => sp.GetRequiredService<ReplicaSetController>(),
                () => sp.GetRequiredService<DeploymentController>(),
                () => sp.GetRequiredService<JobController>(),
                () => sp.GetRequiredService<DaemonSetController>(),
                () => sp.GetRequiredService<CronJobController>(),
                () => sp.GetRequiredService<SchedulerService>(),
                () => sp.GetRequiredService<EndpointsController>(),
                () => sp.GetRequiredService<EndpointSliceController>(),
                () => sp.GetRequiredService<ServiceAllocationRepair>(),
                () => sp.GetRequiredService<NodeLifecycleController>(),
                () => sp.GetRequiredService<PodGarbageCollector>(),
                () => sp.GetRequiredService<PodNetworkController>(),
                () => sp.GetRequiredService<ServiceLoadBalancerController>(),
                () => sp.GetRequiredService<HorizontalPodAutoscalerController>(),
            ],
            sp.GetRequiredService<ServerRestart>(),
            sp.GetRequiredService<ILogger<LeaderServices>>()));
        services.AddHostedService(sp => sp.GetRequiredService<LeaderServices>());

        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("droverd");
        await Bootstrap.EnsureAsync(app.Services.GetRequiredService<ObjectService>(), ct).ConfigureAwait(false);
        if (await Bootstrap.EnsurePodNetworkAsync(app.Services.GetRequiredService<ObjectService>(), options.PodNetworkSettings, ct).ConfigureAwait(false))
            LogPodNetwork(logger, PodNetworkBackends.Name(options.PodNetwork), options.ClusterCidr);
        // Before serving, on every replica (as every kube-apiserver does): a record of another range (a changed
        // --service-cidr) gets what existing Services hold. Its periodic runs are the leader's.
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
        app.MapGet(ServerJoiner.BootstrapPath, app.Services.GetRequiredService<ServerBootstrapEndpoint>().HandleAsync);
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
        // Discovery: literal and two-segment routes win over the catch-alls below (and over metrics.k8s.io's own).
        var discovery = app.Services.GetRequiredService<DiscoveryEndpoints>();
        foreach (var pattern in new[] { "/api", "/api/{version}", "/apis", "/apis/{group}", "/apis/{group}/{version}", ResourceMetricsEndpoints.ReadPrefix })
            app.Map(pattern, discovery.HandleAsync);
        var openApi = app.Services.GetRequiredService<OpenApiEndpoints>();
        app.Map("/openapi/{**rest}", openApi.HandleAsync);
        var reviews = app.Services.GetRequiredService<AccessReviewEndpoint>();
        app.Map(AccessReviewEndpoint.AccessReviewPath, reviews.HandleAccessReviewAsync);
        app.Map(AccessReviewEndpoint.SelfReviewPath, reviews.HandleSelfReviewAsync);
        app.Map(AccessReviewEndpoint.RulesReviewPath, reviews.HandleRulesReviewAsync);
        app.Map("/api/{**rest}", router.HandleAsync);
        app.Map("/apis/{**rest}", router.HandleAsync);

        await app.StartAsync(ct).ConfigureAwait(false);
        var listening = app.Urls.FirstOrDefault() ?? $"https://{advertise}:{options.Port}";
        var port = new Uri(listening.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        var server = new Uri($"https://{(advertise.Contains(':', StringComparison.Ordinal) ? $"[{advertise}]" : advertise)}:{port}");
        var adminConfigPath = Path.Combine(options.DataDirectory, "admin.config");
        var servers = ClientServers(server, options);
        ClientSettings.Write(adminConfigPath, servers, credentials.AdminToken, pki.CaPem);
        if (options.ClientConfigOutput is { } extra)
            ClientSettings.Write(extra, servers, credentials.AdminToken, pki.CaPem);
        // drover-ingress runs with --config DATA/ingress.config: its own, narrower identity.
        ClientSettings.Write(Path.Combine(options.DataDirectory, "ingress.config"), servers, credentials.IngressToken, pki.CaPem, userName: "drover-ingress");
        LogStarted(logger, server.ToString(), options.DataDirectory, adminConfigPath);

        await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
        return app.Services.GetRequiredService<ServerRestart>().Requested && !ct.IsCancellationRequested ? RestartExitCode : 0;
    }

    /// <summary>
    /// The servers of the client configs droverd writes: this replica first, then every replica of --advertise-servers
    /// (or, without it, the one it joined), once each; the clients fail over between them in that order.
    /// </summary>
    internal static IReadOnlyList<Uri> ClientServers(Uri self, ServerOptions options)
    {
        var servers = new List<Uri> { self };
        IEnumerable<Uri> others = options.AdvertiseServers.Count > 0 ? options.AdvertiseServers : options.JoinServer is { } joined ? [joined] : [];
        foreach (var other in others)
        {
            if (!servers.Contains(other))
                servers.Add(other);
        }
        return servers;
    }

    /// <summary>What <see cref="RunAsync"/> returns when the server must start over (a deposed leader): the caller runs it again.</summary>
    public const int RestartExitCode = 75;

    /// <summary>The etcd cluster when --datastore-endpoint names one, else the embedded SQLite database; null (after saying why) when neither opens.</summary>
    private static async Task<IStore?> OpenStoreAsync(ServerOptions options, CancellationToken ct)
    {
        if (options.DatastoreEndpoints.Count > 0)
        {
            // An unreachable etcd cluster is waited for, as k3s waits for its datastore: a replica starting (or a deposed
            // leader starting over) while cut off from etcd serves again once it reaches a majority. Bad TLS files or
            // options are not going to get better: those end the process.
            var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
            while (true)
            {
                TimeSpan wait;
                try
                {
                    return await EtcdStore.ConnectAsync(new EtcdStoreOptions
                    {
                        Endpoints = options.DatastoreEndpoints,
                        CaFile = options.DatastoreCaFile,
                        CertFile = options.DatastoreCertFile,
                        KeyFile = options.DatastoreKeyFile,
                        KeyPrefix = options.DatastorePrefix,
                        // Every watch of an object (informers, the REST watches of agents, the ingress and kubectl)
                        // shares one etcd watch, as kube-apiserver's watch cache does (issue 17).
                        SharedWatchPrefix = StoreKeys.Root,
                    }, ct).ConfigureAwait(false);
                }
                catch (StoreException e) when (!ct.IsCancellationRequested)
                {
                    wait = backoff.Next();
                    await Console.Error.WriteLineAsync($"droverd: waiting for the datastore at {string.Join(',', options.DatastoreEndpoints)} (again in {wait.TotalSeconds:0} s): {e.Message}").ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
                {
                    await Console.Error.WriteLineAsync($"droverd: cannot use the datastore at {string.Join(',', options.DatastoreEndpoints)}: {e.Message}").ConfigureAwait(false);
                    return null;
                }
                try
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }
        }

        try
        {
            return await SqliteStore.OpenAsync(Path.Combine(options.DataDirectory, "state.db"), null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"droverd: cannot open the store in {options.DataDirectory}: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Host name, port and a random suffix: a restarted droverd is a new candidate, never mistaken for the one before.</summary>
    private static string LeaderIdentity(int port) => $"{Dns.GetHostName()}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}_{Guid.NewGuid().ToString("N")[..8]}";

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

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "pod network {Backend} over cluster CIDR {ClusterCidr} published in ConfigMap kube-system/drover-pod-network")]
    private static partial void LogPodNetwork(ILogger logger, string backend, string clusterCidr);
}
