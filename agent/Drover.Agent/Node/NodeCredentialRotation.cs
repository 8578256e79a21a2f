using Drover.Agent.Configuration;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Node;

/// <summary>
/// Renews the node's credential at two thirds of its lifetime while the agent runs. Order matters for a crash at any
/// point: ask droverd for a new credential (the old one stays valid: droverd holds the new one as pending); store it in
/// DATA/credentials/node.config (atomic rename); only then send it — its first use is what makes droverd promote it and
/// start the old one's overlap window. A crash before the store leaves the old credential working; after it, the agent
/// starts with the new one. When droverd refuses the credential (revoked, or expired while the node was away), the file
/// is read again, so an admin's re-issued node.config (`drover token create NODE`) is picked up without a restart.
/// </summary>
internal sealed partial class NodeCredentialRotation
{
    /// <summary>How long the loop sleeps at most: a revocation is noticed and a re-issued file picked up within it.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly DroverClient _api;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public NodeCredentialRotation(DroverClient api, AgentOptions options, TimeProvider time, ILogger<NodeCredentialRotation> logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Renewals done since start (tests and logs).</summary>
    public int Renewals { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        // Refused (401) waits up to a minute for an operator; droverd away backs off to 30 s.
        var refusedBackoff = new Backoff(TimeSpan.FromSeconds(1), MaxWait);
        var backoff = new Backoff(TimeSpan.FromSeconds(1), MaxBackoff);
        DateTimeOffset? announced = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var status = await NodeCredentialApi.DescribeSelfAsync(_api, ct).ConfigureAwait(false);
                // A credential from before credentials expired has no times: renewed at once, so it gets them.
                var renewAt = status is { IssuedAt: { } issued, ExpiresAt: { } expires } ? RenewalSchedule.RenewAt(issued, expires) : DateTimeOffset.MinValue;
                var wait = renewAt - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    if (announced != renewAt)
                        Log.Scheduled(_logger, status.ExpiresAt!.Value, renewAt);
                    announced = renewAt;
                    await Task.Delay(wait < MaxWait ? wait : MaxWait, _time, ct).ConfigureAwait(false);
                }
                else
                {
                    await RenewAsync(ct).ConfigureAwait(false);
                }
                refusedBackoff.Reset();
                backoff.Reset();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ApiClientException e) when (e.Code == 401)
            {
                if (!TryStoredCredential())
                    Log.Refused(_logger, _options.CredentialPath, _options.NodeName);
                await Task.Delay(refusedBackoff.Next(), _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or IOException or UnauthorizedAccessException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // droverd away or failing: the credential in hand stays valid for a third of its lifetime.
                var delay = backoff.Next();
                Log.RetryLater(_logger, e.Message, delay);
                await Task.Delay(delay, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        var renewed = await NodeCredentialApi.RenewSelfAsync(_api, ct).ConfigureAwait(false);
        if (string.IsNullOrEmpty(renewed.Token))
            throw new ApiClientException("droverd's renewal carried no credential");
        var settings = _api.Settings;
        // Stored before it is ever sent: its first use is droverd's sign that the node has it.
        ClientSettings.Write(_options.CredentialPath, settings.Server, renewed.Token, settings.CaPem, "drover", "system:node:" + _options.NodeName);
        _api.UseToken(renewed.Token);
        var confirmed = await NodeCredentialApi.DescribeSelfAsync(_api, ct).ConfigureAwait(false);
        Renewals++;
        Log.Renewed(_logger, _options.CredentialPath, confirmed.ExpiresAt);
    }

    /// <summary>Takes the credential in node.config when it is not the one in use (an admin placed a re-issued one there).</summary>
    private bool TryStoredCredential()
    {
        try
        {
            var stored = ClientSettings.Load(_options.CredentialPath);
            if (stored.Token.Length == 0 || stored.Token == _api.Settings.Token)
                return false;
            _api.UseToken(stored.Token);
            Log.TookStored(_logger, _options.CredentialPath);
            return true;
        }
        catch (ClientConfigException e)
        {
            Log.Unreadable(_logger, _options.CredentialPath, e.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "node credential valid until {ExpiresAt:o}; renewal at {RenewAt:o}")]
        public static partial void Scheduled(ILogger logger, DateTimeOffset expiresAt, DateTimeOffset renewAt);

        [LoggerMessage(Level = LogLevel.Information, Message = "renewed the node credential (stored in {Path}; valid until {ExpiresAt:o}); the previous one works for droverd's overlap window")]
        public static partial void Renewed(ILogger logger, string path, DateTimeOffset? expiresAt);

        [LoggerMessage(Level = LogLevel.Warning, Message = "cannot renew the node credential yet ({Error}); retrying in {Delay}")]
        public static partial void RetryLater(ILogger logger, string error, TimeSpan delay);

        [LoggerMessage(Level = LogLevel.Error, Message = "droverd refuses this node's credential (revoked, or expired while droverd was away): put a new one in {Path} (drover token create {NodeName} on the admin's side) or delete it and restart the agent with --token to join anew")]
        public static partial void Refused(ILogger logger, string path, string nodeName);

        [LoggerMessage(Level = LogLevel.Information, Message = "using the new node credential found in {Path}")]
        public static partial void TookStored(ILogger logger, string path);

        [LoggerMessage(Level = LogLevel.Warning, Message = "cannot read {Path}: {Error}")]
        public static partial void Unreadable(ILogger logger, string path, string error);
    }
}
