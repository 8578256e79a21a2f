using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Agent.Configuration;
using Drover.Agent.Node;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Logs;

/// <summary>
/// Replaces the agent's serving certificate at two thirds of its lifetime while the agent runs, without a moment in
/// which droverd's pin and the served certificate disagree: the new certificate is made (and stored), the Node
/// announces both hashes ("new,old"), only then does the log server switch, and the old hash is dropped last. While
/// droverd cannot be reached the old certificate keeps serving (its pin still holds); the switch waits for the
/// announcement, unless the old certificate has expired, when waiting gains nothing.
/// </summary>
internal sealed partial class ServingCertificateRotation
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly LogServer _server;
    private readonly NodeRegistration _registration;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private X509Certificate2 _current;

    public ServingCertificateRotation(LogServer server, NodeRegistration registration, AgentOptions options, X509Certificate2 current, TimeProvider time, ILogger<ServingCertificateRotation> logger)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _server = server;
        _registration = registration;
        _options = options;
        _current = current;
        _time = time;
        _logger = logger;
    }

    /// <summary>The certificate served now (tests; disposal at shutdown).</summary>
    public X509Certificate2 Current => Volatile.Read(ref _current);

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var renewAt = ServingCertificate.RenewAt(Current, _options.ServingCertificateLifetime);
                var wait = renewAt - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait < MaxWait ? wait : MaxWait, _time, ct).ConfigureAwait(false);
                    continue;
                }
                await RenewAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                Log.RenewFailed(_logger, e.Message);
                await Task.Delay(MaxBackoff, _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        var old = Current;
        var oldHash = NodeServing.CertificateHash(old);
        var next = ServingCertificate.Create(_options.ServingCertificatePath, _options.ServingKeyPath, _options.NodeName, _options.NodeIp, _options.ServingCertificateLifetime, _time);
        var nextHash = NodeServing.CertificateHash(next);
        _registration.ServingCertificateHash = $"{nextHash},{oldHash}";
        var backoff = new Backoff(TimeSpan.FromSeconds(1), MaxBackoff);
        while (!await PublishAsync(ct).ConfigureAwait(false))
        {
            if (_time.GetUtcNow() > new DateTimeOffset(old.NotAfter.ToUniversalTime(), TimeSpan.Zero))
                break;
            await Task.Delay(backoff.Next(), _time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _server.UseCertificate(next);
        Volatile.Write(ref _current, next);
        // Not disposed: a handshake may still be using it, and it is small.
        _registration.ServingCertificateHash = nextHash;
        // The old hash goes at the next registration if not now; droverd accepting it a little longer is harmless.
        await PublishAsync(ct).ConfigureAwait(false);
        Log.Renewed(_logger, nextHash, next.NotAfter.ToUniversalTime(), ServingCertificate.RenewAt(next, _options.ServingCertificateLifetime));
    }

    private async Task<bool> PublishAsync(CancellationToken ct)
    {
        try
        {
            await _registration.RegisterAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is ApiClientException or NodeRegistrationException or HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            Log.PublishFailed(_logger, e.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "renewed the serving certificate (sha256 {Hash}, valid until {NotAfter:o}, next renewal at {NextRenewal:o}); droverd pins it from the Node")]
        public static partial void Renewed(ILogger logger, string hash, DateTime notAfter, DateTimeOffset nextRenewal);

        [LoggerMessage(Level = LogLevel.Warning, Message = "cannot publish the renewed serving certificate's hash on the Node yet ({Error}); the old certificate keeps serving meanwhile")]
        public static partial void PublishFailed(ILogger logger, string error);

        [LoggerMessage(Level = LogLevel.Error, Message = "cannot renew the serving certificate ({Error}); retrying")]
        public static partial void RenewFailed(ILogger logger, string error);
    }
}
