using Drover.Agent.Configuration;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Drover.Agent.Cri;
using Drover.Agent.Logs;
using Drover.Agent.Metrics;
using Drover.Agent.Network;
using Drover.Agent.Streams;
using Drover.Api;
using Drover.Api.Client;
using Drover.Api.PodNetwork;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Node;

/// <summary>
/// The node side of the agent: identity → registration → CNI config, then the lease heartbeat and the
/// status reporter. <see cref="StartAsync"/> returns once the node has an API client and a podCIDR (the pod
/// side needs both); <see cref="RunAsync"/> runs the background loops until cancelled.
/// </summary>
internal sealed partial class NodeAgent : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly AgentOptions _options;
    private readonly CriClient _cri;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Systemd.RuntimeUnitMonitor? _runtimeUnit;
    private readonly Action? _apiRecovered;
    private DroverClient? _api;
    private LeaseHeartbeat? _heartbeat;
    private NodeStatusReporter? _reporter;
    private MetricsServer? _metrics;
    private LogServer? _logs;
    private ContainerStreamServer? _streams;
    private X509Certificate2? _servingCertificate;
    private NodeRegistration? _pendingRegistration;
    private ServingCertificateRotation? _servingRotation;
    private NodeCredentialRotation? _credentialRotation;

    /// <param name="runtimeUnit">The container runtime's unit for the node's conditions; null when it is not watched.</param>
    /// <param name="apiRecovered">Called when droverd accepts a heartbeat again after failures (the pod side then lists at once instead of waiting out its back-off).</param>
    public NodeAgent(AgentOptions options, CriClient cri, TimeProvider time, ILoggerFactory loggers, Systemd.RuntimeUnitMonitor? runtimeUnit = null, Action? apiRecovered = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _cri = cri;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<NodeAgent>();
        _runtimeUnit = runtimeUnit;
        _apiRecovered = apiRecovered;
    }

    /// <summary>droverd, as this node (after <see cref="StartAsync"/>).</summary>
    public DroverClient Api => _api ?? throw new InvalidOperationException("the node agent has not started");

    public string PodCidr { get; private set; } = "";

    /// <summary>The cluster's pod network as read at start (after <see cref="StartAsync"/>).</summary>
    public PodNetworkSettings PodNetworkSettings { get; private set; } = new() { Backend = PodNetworkBackend.None, ClusterCidr = Ipv4Cidr.Parse("10.42.0.0/16") };

    public bool JoinedThisStart { get; private set; }

    public LeaseHeartbeat Heartbeat => _heartbeat ?? throw new InvalidOperationException("the node agent has not started");

    public NodeStatusReporter StatusReporter => _reporter ?? throw new InvalidOperationException("the node agent has not started");

    /// <summary>Where container logs are served, or null when serving is off or could not bind.</summary>
    public System.Net.IPEndPoint? ServingEndpoint => _logs?.LocalEndpoint;

    /// <summary>Log requests being served now.</summary>
    public int ActiveLogConnections => _logs?.ActiveConnections ?? 0;

    private string PodCidrPath => Path.Combine(_options.DataDirectory, "pod-cidr");

    public async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_options.DataDirectory);
        if (_options.MetricsAddress is { } address)
        {
            _metrics = new MetricsServer(address, IsHealthy, _loggers.CreateLogger<MetricsServer>());
            _metrics.Start();
        }

        var identity = new NodeIdentity(_options, _time, _loggers.CreateLogger<NodeIdentity>());
        var settings = await identity.EnsureAsync(ct).ConfigureAwait(false);
        JoinedThisStart = identity.Joined;
        _api = new DroverClient(settings);

        // The cluster's pod network first: the Node carries what peers route by, the CNI config the pods' MTU.
        PodNetworkSettings = await new PodNetworkSettingsSource(_api, _options.DataDirectory, _time, _loggers.CreateLogger<PodNetworkSettingsSource>()).LoadAsync(ct).ConfigureAwait(false);

        // Bound before registering: the Node must carry the real port and the certificate's hash.
        var serving = StartLogServer(settings);
        var registration = new NodeRegistration(_api, _options, _loggers.CreateLogger<NodeRegistration>())
        {
            ServingCertificateHash = serving?.Hash,
            MetricsAddress = _metrics?.LocalEndpoint.ToString(),
            PodNetworkAnnotations = PodNetworkSetup.Annotations(PodNetworkSettings, _options.NodeName),
        };
        var node = await RegisterOrResumeAsync(registration, ct).ConfigureAwait(false);
        if (_logs is not null && _servingCertificate is not null)
            _servingRotation = new ServingCertificateRotation(_logs, registration, _options, _servingCertificate, _time, _loggers.CreateLogger<ServingCertificateRotation>());
        _credentialRotation = new NodeCredentialRotation(_api, _options, _time, _loggers.CreateLogger<NodeCredentialRotation>());

        int? mtu = null;
        try
        {
            mtu = await PodNetworkSetup.PodMtuAsync(PodNetworkSettings, _options.NodeIp, new HostCommand(), ct).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            Log.MtuUnknown(_logger, e.Message);
        }
        var conflist = CniConfig.Render(PodCidr, _options.CniBridge, _options.CniIpamDirectory, PodNetworkSetup.CniIpMasq(PodNetworkSettings, _options.CniIpMasq), mtu);
        if (CniConfig.Write(_options.CniConfDirectory, conflist))
            Log.CniWritten(_logger, Path.Combine(_options.CniConfDirectory, CniConfig.FileName), PodCidr);

        var reporter = new NodeStatusReporter(_api, _cri, _options, _time, _loggers.CreateLogger<NodeStatusReporter>(), node?.Status?.Conditions, serving?.Port ?? 0, _runtimeUnit);
        _reporter = reporter;
        _heartbeat = new LeaseHeartbeat(_api, _options, _time, _loggers.CreateLogger<LeaseHeartbeat>(), () =>
        {
            reporter.RequestUpdate();
            _apiRecovered?.Invoke();
        });
        _heartbeat.SetNodeUid(node?.Metadata.Uid);
        _pendingRegistration = node is null ? registration : null;
    }

    /// <summary>
    /// Starts the container-log endpoint. A port that cannot be bound is logged, not fatal: running the
    /// node's pods matters more than serving their logs, and the Node then says no port.
    /// </summary>
    private (string Hash, int Port)? StartLogServer(ClientSettings settings)
    {
        if (_options.ServingAddress is not { } address)
            return null;
        var ca = settings.CaCertificates();
        if (ca.Count == 0)
        {
            Log.ServingWithoutCa(_logger, _options.CredentialPath);
            return null;
        }

        _servingCertificate = ServingCertificate.LoadOrCreate(_options.ServingCertificatePath, _options.ServingKeyPath, _options.NodeName, _options.NodeIp, _options.ServingCertificateLifetime, _time);
        var locator = new ContainerLogLocator(_cri);
        var streamer = new ContainerLogStreamer(locator, _time, _loggers.CreateLogger<ContainerLogStreamer>());
        _streams = new ContainerStreamServer(_cri, locator, _time, _loggers.CreateLogger<ContainerStreamServer>());
        var server = new LogServer(address, _servingCertificate, new ClientCertificatePolicy(ca), locator, streamer, _loggers.CreateLogger<LogServer>(), _streams);
        try
        {
            server.Start();
        }
        catch (SocketException e)
        {
            Log.ServingFailed(_logger, address, e.Message);
            return null;
        }

        _logs = server;
        return (NodeServing.CertificateHash(_servingCertificate), server.LocalEndpoint.Port);
    }

    /// <summary>Runs the heartbeat, the status reporter, the renewals of the credential and the serving certificate (and a pending registration) until <paramref name="ct"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken ct)
    {
        var loops = new List<Task> { Heartbeat.RunAsync(ct), StatusReporter.RunAsync(ct) };
        if (_credentialRotation is { } credentials)
            loops.Add(credentials.RunAsync(ct));
        if (_servingRotation is { } serving)
            loops.Add(serving.RunAsync(ct));
        if (_pendingRegistration is { } pending)
            loops.Add(RegisterInBackgroundAsync(pending, ct));
        return Task.WhenAll(loops);
    }

    /// <summary>
    /// Registers, retrying while droverd is unreachable. A node that ran before (credential and podCIDR on
    /// disk) does not wait: it goes on with what it knows and registers in the background (returns null).
    /// </summary>
    private async Task<Api.Node?> RegisterOrResumeAsync(NodeRegistration registration, CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), MaxBackoff);
        while (true)
        {
            TimeSpan delay;
            try
            {
                var node = await registration.RegisterAsync(ct).ConfigureAwait(false);
                Remember(node);
                return node;
            }
            catch (ApiClientException e) when (e.Code is 401)
            {
                throw new NodeJoinException($"droverd refused this node's credential ({e.Message}); delete {_options.CredentialPath} and start again with --token to join anew", e);
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                if (!JoinedThisStart && File.Exists(PodCidrPath) && File.ReadAllText(PodCidrPath).Trim() is { Length: > 0 } known)
                {
                    PodCidr = known;
                    Log.Offline(_logger, e.Message, known);
                    return null;
                }
                delay = backoff.Next();
                Log.RegisterRetry(_logger, e.Message, delay);
            }
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task RegisterInBackgroundAsync(NodeRegistration registration, CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), MaxBackoff);
        var delay = backoff.Next();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                var node = await registration.RegisterAsync(ct).ConfigureAwait(false);
                Remember(node);
                Heartbeat.SetNodeUid(node.Metadata.Uid);
                StatusReporter.RequestUpdate();
                if (node.Spec.PodCIDR != PodCidr)
                    Log.PodCidrChanged(_logger, PodCidr, node.Spec.PodCIDR!);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                delay = backoff.Next();
                Log.RegisterRetry(_logger, e.Message, delay);
            }
        }
    }

    /// <summary>
    /// /healthz: the agent's own loops are alive (the status check ran recently, whatever its outcome).
    /// droverd being away is not unhealthy: the node keeps its pods running then.
    /// </summary>
    private bool IsHealthy() =>
        _reporter is not { } reporter || _time.GetUtcNow() - reporter.LastCheck < reporter.CheckInterval * 3 + TimeSpan.FromSeconds(30);

    private void Remember(Api.Node node)
    {
        PodCidr = PodCidr.Length == 0 ? node.Spec.PodCIDR! : PodCidr;
        if (!File.Exists(PodCidrPath) || File.ReadAllText(PodCidrPath).Trim() != node.Spec.PodCIDR)
            SecretFile.Write(PodCidrPath, node.Spec.PodCIDR + "\n");
    }

    /// <summary>droverd away or failing (worth waiting for), as opposed to a refusal that retrying cannot fix.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        ApiClientException api => api.Code is 0 or 429 or >= 500,
        NodeRegistrationException => true,
        HttpRequestException => true,
        TaskCanceledException => true,
        _ => false,
    };

    public async ValueTask DisposeAsync()
    {
        if (_metrics is not null)
            await _metrics.DisposeAsync().ConfigureAwait(false);
        if (_logs is not null)
            await _logs.DisposeAsync().ConfigureAwait(false);
        _streams?.Dispose();
        _servingCertificate?.Dispose();
        _api?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "wrote CNI config {Path} for podCIDR {PodCidr}")]
        public static partial void CniWritten(ILogger logger, string path, string podCidr);

        [LoggerMessage(Level = LogLevel.Warning, Message = "cannot read the node's interfaces for the pods' MTU ({Error}); the CNI config keeps the default")]
        public static partial void MtuUnknown(ILogger logger, string error);

        [LoggerMessage(Level = LogLevel.Warning, Message = "droverd is unreachable ({Error}); going on with podCIDR {PodCidr} from the last run and registering in the background")]
        public static partial void Offline(ILogger logger, string error, string podCidr);

        [LoggerMessage(Level = LogLevel.Warning, Message = "cannot register the node yet ({Error}); retrying in {Delay}")]
        public static partial void RegisterRetry(ILogger logger, string error, TimeSpan delay);

        [LoggerMessage(Level = LogLevel.Error, Message = "cannot serve container logs on {Address}: {Error}; the node runs without (drover logs will say so)")]
        public static partial void ServingFailed(ILogger logger, System.Net.IPEndPoint address, string error);

        [LoggerMessage(Level = LogLevel.Error, Message = "the node credential {Path} holds no cluster CA; container logs are not served (callers could not be checked)")]
        public static partial void ServingWithoutCa(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Error, Message = "droverd now gives this node podCIDR {Current} but the node runs with {Previous}; restart the agent to switch")]
        public static partial void PodCidrChanged(ILogger logger, string previous, string current);
    }
}
