using Drover.Agent.Configuration;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Node;

/// <summary>
/// The node's own credential: DATA/credentials/node.config (0600, kubeconfig-shaped) when it exists,
/// else obtained once by trading the join token (CA pinned by the token's hash) and stored there.
/// Using the stored one needs no network, so a node whose control plane is away still starts.
/// </summary>
internal sealed partial class NodeIdentity
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public NodeIdentity(AgentOptions options, TimeProvider time, ILogger<NodeIdentity> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when this start joined (no usable stored credential was found).</summary>
    public bool Joined { get; private set; }

    /// <summary>
    /// The client settings of this node. Joins only without a stored credential of this node; retries while
    /// droverd is unreachable; a CA that does not match the token's pin or a refused token throws
    /// <see cref="NodeJoinException"/> (never retried: retrying cannot make either right).
    /// </summary>
    public async Task<ClientSettings> EnsureAsync(CancellationToken ct)
    {
        var path = _options.CredentialPath;
        if (File.Exists(path))
        {
            var stored = ClientSettings.Load(path);
            if (stored.Token.StartsWith($"drover-node:{_options.NodeName}:", StringComparison.Ordinal))
            {
                Log.Reusing(_logger, path);
                // The server may have moved (new address, same cluster): the credential and CA still hold.
                return stored with { Server = _options.Server, Servers = Servers };
            }
            Log.OtherNode(_logger, path, _options.NodeName);
        }
        if (_options.Token is null)
            throw new AgentOptionsException($"--token is required: there is no credential of node {_options.NodeName} at {path} yet");
        var settings = (await JoinWithRetryAsync(ct).ConfigureAwait(false)) with { Server = _options.Server, Servers = Servers };
        ClientSettings.Write(path, settings.Servers, settings.Token, settings.CaPem, "drover", "system:node:" + _options.NodeName);
        Joined = true;
        Log.Joined(_logger, _options.Server, _options.NodeName, path);
        return settings;
    }

    private IReadOnlyList<Uri> Servers => _options.Servers.Count > 0 ? _options.Servers : [_options.Server];

    private async Task<ClientSettings> JoinWithRetryAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), MaxBackoff);
        for (var attempt = 0; ; attempt++)
        {
            // Each try goes to the next replica: any of them can take the join.
            var server = Servers[attempt % Servers.Count];
            TimeSpan delay;
            try
            {
                return await NodeJoiner.JoinAsync(server, _options.Token!, _options.NodeName, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnreachable(e) && !ct.IsCancellationRequested)
            {
                delay = backoff.Next();
                Log.JoinRetry(_logger, server, e.Message, delay);
            }
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Network trouble (worth retrying), as opposed to a wrong CA or a refused token.</summary>
    private static bool IsUnreachable(Exception e) => e switch
    {
        NodeJoinException { InnerException: HttpRequestException } => true,
        HttpRequestException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "using the node credential in {Path}")]
        public static partial void Reusing(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Warning, Message = "the credential in {Path} is not node {NodeName}'s; joining again")]
        public static partial void OtherNode(ILogger logger, string path, string nodeName);

        [LoggerMessage(Level = LogLevel.Information, Message = "joined {Server} as node {NodeName}; credential stored in {Path}")]
        public static partial void Joined(ILogger logger, Uri server, string nodeName, string path);

        [LoggerMessage(Level = LogLevel.Warning, Message = "cannot join {Server} yet ({Error}); retrying in {Delay}")]
        public static partial void JoinRetry(ILogger logger, Uri server, string error, TimeSpan delay);
    }
}
