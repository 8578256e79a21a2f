using System.CommandLine;
using System.Runtime.InteropServices;
using Drover.Agent;
using Drover.Agent.Configuration;
using Drover.Agent.Cri;
using Drover.Agent.Images;
using Drover.Agent.Logging;
using Drover.Agent.Network;
using Drover.Agent.Node;
using Drover.Agent.Pods;
using Drover.Agent.Systemd;
using Drover.Agent.Usage;
using Drover.Api.Client;
using Drover.Api.PodNetwork;
using Drover.Api.Runtime;
using Microsoft.Extensions.Logging;

// The composition root: options → logging → CRI → node side (identity, registration, CNI, heartbeat,
// status) → pod side. SIGTERM/SIGINT cancel one token that every loop honours.
var root = AgentCommandLine.Create(RunAsync);
root.Subcommands.Add(PodNetworkCleanup.Command());
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    await Console.Error.WriteLineAsync("drover-agent: " + parse.Errors[0].Message).ConfigureAwait(false);
    return 2;
}
// Our own signal handling below; System.CommandLine's would force-exit after its timeout.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);

static async Task<int> RunAsync(AgentOptions options, CancellationToken invocationToken)
{
    using var loggers = new LineLoggerFactory(LogLevel.Information, Console.OpenStandardOutput());
    var logger = loggers.CreateLogger("drover-agent");

    using var stop = CancellationTokenSource.CreateLinkedTokenSource(invocationToken);
    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        stop.Cancel();
    }
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

    SystemdNotifier notifier;
    TimeSpan? watchdogTimeout;
    try
    {
        notifier = SystemdNotifier.FromEnvironment();
        watchdogTimeout = SystemdWatchdog.TimeoutFromEnvironment();
    }
    catch (SystemdException e)
    {
        logger.LogCritical("cannot start: {Error}", e.Message);
        return 2;
    }
    using var ownedNotifier = notifier;
    // Synchronously from the signal handler's Cancel: systemd hears it before any loop winds down.
    using var stopping = stop.Token.Register(() => notifier.Stopping("stopping; the pods keep running"));
    var watchdog = new SystemdWatchdog(notifier, watchdogTimeout, TimeProvider.System);
    using var cri = new CriClient(new CriClientOptions { SocketPath = options.ContainerdSocket });
    await using var bus = await SystemdIntegration.ConnectAsync(options, loggers, stop.Token).ConfigureAwait(false);
    // The heartbeat learns first that droverd answers again; the pod manager then lists at once.
    var listRetry = new ListRetrySignal();
    await using var node = new NodeAgent(options, cri, TimeProvider.System, loggers, runtimeUnit: bus.Off ? null : bus.RuntimeUnit, apiRecovered: listRetry.Raise);
    notifier.Status($"registering node {options.NodeName} with {options.Server}");
    using var starting = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    _ = watchdog.KickUntilAsync(starting.Token);
    try
    {
        await node.StartAsync(stop.Token).ConfigureAwait(false);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        return 0;
    }
    catch (Exception e) when (e is NodeJoinException or AgentOptionsException or ClientConfigException or NodeRegistrationException or ApiClientException or PodNetworkException)
    {
        logger.LogCritical("cannot start: {Error}", e.Message);
        return e is AgentOptionsException ? 2 : 1;
    }

    // Airgap images before any pod starts: a pod with imagePullPolicy Never must find its image.
    try
    {
        await new AirgapImporter(cri, options.ContainerdSocket, options.DataDirectory, loggers.CreateLogger<AirgapImporter>()).ImportAsync(stop.Token).ConfigureAwait(false);
    }
    catch (CriException e)
    {
        logger.LogError("airgap images not imported: containerd is not answering ({Error})", e.Message);
    }

    // Start-up (join, TLS, registration, config, import) leaves several MB of garbage that an idle agent
    // would keep in RSS until the gen0 budget fills; give it back once, before the steady state begins.
    MemoryReclaimer.CollectAndTrim();

    // Cluster DNS: the node-local address pods are given, known once the node has its podCIDR.
    var clusterDns = options.ClusterDns == AgentOptions.PodGatewayDns
        ? Ipv4Cidr.TryParse(node.PodCidr, out var dnsCidr) ? Ipv4Cidr.ToAddress(dnsCidr.Network + 1).ToString() : null
        : options.ClusterDns;
    if (options.ClusterDns is not null && clusterDns is null)
        logger.LogError("cluster DNS off: --cluster-dns {Value} needs a podCIDR, and node {Node} has none", options.ClusterDns, options.NodeName);
    var pods = new PodManager(node.Api, cri, new PodManagerOptions
    {
        ClusterDnsServer = clusterDns,
        ClusterDomain = options.ClusterDomain,
        NodeName = options.NodeName,
        NodeIp = options.NodeIp.ToString(),
        CgroupParentRoot = options.CgroupRoot,
        CheckpointDirectory = options.PodCheckpointDirectory,
        ObjectCheckpointDirectory = options.ObjectCheckpointDirectory,
        CheckpointKeyPath = options.CheckpointKeyPath,
        CheckpointSecrets = options.CheckpointSecrets,
        WatchReferencedObjects = options.WatchReferencedObjects,
        PodDirectoryRoot = options.PodDirectory,
        TerminationDrainDelay = options.TerminationDrainDelay,
    }, TimeProvider.System, loggers, new RelistHeartbeat(watchdog, notifier, options.NodeName, options.ContainerdSocket), listRetry);
    logger.LogInformation("drover-agent {Version} running as node {Node} (podCIDR {PodCidr})", AgentOptions.AgentVersion, options.NodeName, node.PodCidr);
    // And again after every burst (many or large pods, log streams), once the agent is quiet: 4 MB is a fifth of its idle RSS.
    var reclaimer = new MemoryReclaimer(TimeProvider.System, MemoryReading.Current, MemoryReclaimer.CollectAndTrim)
    {
        SlackBytes = 4L * 1024 * 1024,
        Reclaimed = (before, after) => logger.LogInformation("gave memory back after a burst: RSS {BeforeMiB} MiB -> {AfterMiB} MiB", before.ResidentBytes >> 20, after.ResidentBytes >> 20),
    };
    // One watch of Services and EndpointSlices, for the service proxy and the cluster DNS resolver, if either runs.
    var serviceWatch = new Lazy<Drover.Agent.Discovery.ServiceWatch>(() => new(node.Api, TimeProvider.System, loggers.CreateLogger("drover-agent.services")));
    var loops = new List<Task> { node.RunAsync(stop.Token), pods.RunAsync(stop.Token), bus.RunAsync(pods, new NodeCordon(() => node.Api, options.NodeName), notifier, stop.Token), reclaimer.RunAsync(stop.Token) };
    _ = NotifyReadyAsync();
    if (Ipv4Cidr.TryParse(node.PodCidr, out var podCidr))
    {
        var network = new PodNetwork(node.Api, new PodNetworkOptions
        {
            Settings = node.PodNetworkSettings,
            NodeName = options.NodeName,
            NodeIp = options.NodeIp,
            PodCidr = podCidr,
            Masquerade = options.CniIpMasq,
            DataDirectory = options.DataDirectory,
        }, new HostCommand(), TimeProvider.System, loggers);
        loops.Add(network.RunAsync(stop.Token));
    }
    if (options.ImageGc.Enabled)
    {
        var imageGc = new Drover.Agent.Images.ImageGarbageCollector(cri, pods.PodImages, pods.RecordNodeEvent, options.ImageGc, TimeProvider.System, loggers.CreateLogger<Drover.Agent.Images.ImageGarbageCollector>());
        loops.Add(imageGc.RunAsync(stop.Token));
    }
    if (options.ResourceMetricsInterval > TimeSpan.Zero)
    {
        var usage = new ResourceUsageReporter(cri, () => node.Api, options.NodeName, options.ResourceMetricsInterval, TimeProvider.System, loggers.CreateLogger<ResourceUsageReporter>());
        loops.Add(usage.RunAsync(stop.Token));
    }
    if (options.ServiceProxy)
    {
        Drover.Agent.ServiceProxy.ServiceProxier? proxier = null;
        // healthCheckNodePorts on every address of the node, as kube-proxy's default; 200 only once the rules are in place.
        var health = new Drover.Agent.ServiceProxy.ServiceHealthServer(System.Net.IPAddress.Any, () => proxier?.InSync == true, loggers.CreateLogger("drover-agent.service-health"));
        proxier = new Drover.Agent.ServiceProxy.ServiceProxier(serviceWatch.Value, Drover.Agent.ServiceProxy.NftClient.Default, options.ClusterCidr ?? node.PodNetworkSettings.ClusterCidr.ToString(), TimeProvider.System, loggers.CreateLogger("drover-agent.service-proxy"), options.NodeName)
        {
            HealthServer = health,
        };
        loops.Add(RunThenCloseAsync(proxier.RunAsync(stop.Token), health));
    }
    if (clusterDns is not null)
    {
        var dns = new Drover.Agent.ClusterDns.ClusterDnsServer(serviceWatch.Value, options.ClusterDomain, new System.Net.IPEndPoint(System.Net.IPAddress.Parse(clusterDns), 53), options.ClusterDnsUpstream, loggers.CreateLogger("drover-agent.dns"));
        loops.Add(dns.RunAsync(stop.Token));
    }
    if (serviceWatch.IsValueCreated)
        loops.Add(serviceWatch.Value.RunAsync(stop.Token));
    await Task.WhenAll(loops).ConfigureAwait(false);
    logger.LogInformation("drover-agent stopped");
    return 0;

    static async Task RunThenCloseAsync(Task run, IAsyncDisposable resource)
    {
        try
        {
            await run.ConfigureAwait(false);
        }
        finally
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
    }

    // READY=1 once registered and the pods bound here have had their first sync.
    async Task NotifyReadyAsync()
    {
        try
        {
            await pods.FirstSync.WaitAsync(stop.Token).ConfigureAwait(false);
            notifier.Ready($"running {pods.PodUids.Count} pod(s) as node {options.NodeName}");
            // From here on only the relist loop feeds the watchdog.
            await starting.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
