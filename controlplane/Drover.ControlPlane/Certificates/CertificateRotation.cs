using System.Globalization;
using Drover.Api;
using Drover.ControlPlane.Events;
using Prometheus;

namespace Drover.ControlPlane.Certificates;

/// <summary>
/// Keeps droverd's certificates current while it runs: renews the serving and client certificates when
/// <see cref="ClusterPki.RenewDue"/> says so (checking at least once a minute, and at the moment one falls due), serves
/// <c>drover_certificate_ttl_seconds</c> for each certificate, and warns — a log line and a Warning Event
/// <c>CertificateExpirationWarning</c>, as k3s names it — once the CA (which no renewal can replace: joined nodes pin it)
/// has less than <see cref="ServerOptions.CaExpiryWarning"/> left, and again every day until it is dealt with.
/// </summary>
public sealed partial class CertificateRotation : BackgroundService
{
    public const string ExpiryReason = "CertificateExpirationWarning";
    public const string RenewalFailedReason = "CertificateRenewalFailed";
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WarnEvery = TimeSpan.FromDays(1);

    private readonly ClusterPki _pki;
    private readonly ServerOptions _options;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DateTimeOffset? _lastWarned;

    private static readonly Namespace KubeSystem = new() { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = "kube-system" } };

    public CertificateRotation(ClusterPki pki, ServerOptions options, EventWriter events, TimeProvider time, CollectorRegistry registry, ILogger<CertificateRotation> logger)
    {
        ArgumentNullException.ThrowIfNull(pki);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        _pki = pki;
        _options = options;
        _events = events.ForComponent("droverd-pki");
        _time = time;
        _logger = logger;
        var ttl = Metrics.WithCustomRegistry(registry).CreateGauge("drover_certificate_ttl_seconds",
            "Seconds until each of droverd's certificates expires (negative once expired): the cluster CA (renewed by no one: see README), and the serving and apiserver-node-client certificates (renewed at two thirds of their lifetime).",
            "certificate");
        // Computed at scrape time, so the figure is exact whenever it is read.
        registry.AddBeforeCollectCallback(() =>
        {
            var now = _time.GetUtcNow();
            foreach (var (name, _, notAfter) in _pki.Validity())
                ttl.WithLabels(name).Set((notAfter - now).TotalSeconds);
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogSchedule(_logger, GoDurations.Format(_pki.CertificateLifetime), _pki.NextRenewal, _pki.CaNotAfter);
        while (!stoppingToken.IsCancellationRequested)
        {
            RenewDue();
            WarnOfCaExpiry();
            var delay = _pki.NextRenewal - _time.GetUtcNow();
            delay = delay < MinDelay ? MinDelay : delay > CheckInterval ? CheckInterval : delay;
            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void RenewDue()
    {
        try
        {
            foreach (var name in _pki.RenewDue())
            {
                var renewed = _pki.Validity().First(v => v.Name == name);
                LogRenewed(_logger, name, renewed.NotAfter, _pki.NextRenewal);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            // The current certificates keep serving; the next turn tries again. Said loudly: they will expire otherwise.
            LogRenewalFailed(_logger, _pki.Directory, e.Message);
            Record(RenewalFailedReason, $"droverd cannot renew its certificates in {_pki.Directory}: {e.Message}");
        }
    }

    private void WarnOfCaExpiry()
    {
        var now = _time.GetUtcNow();
        var left = _pki.CaNotAfter - now;
        if (left >= _options.CaExpiryWarning || (_lastWarned is { } last && now - last < WarnEvery))
            return;
        _lastWarned = now;
        var days = Math.Floor(left.TotalDays).ToString(CultureInfo.InvariantCulture);
        var message = left <= TimeSpan.Zero
            ? $"the cluster CA ({_pki.Directory}/ca.crt) expired at {_pki.CaNotAfter:yyyy-MM-ddTHH:mm:ssZ}: nodes and clients can no longer trust droverd; replace it (README, \"When the cluster CA nears its end\")"
            : $"the cluster CA ({_pki.Directory}/ca.crt) expires at {_pki.CaNotAfter:yyyy-MM-ddTHH:mm:ssZ}, in {days} days; joined nodes pin it, so it is not renewed by itself: plan its replacement (README, \"When the cluster CA nears its end\")";
        LogCaExpiring(_logger, message);
        Record(ExpiryReason, message);
    }

    /// <summary>A Warning Event about the kube-system Namespace (droverd has no object of its own), shown by `drover get events`.</summary>
    private void Record(string reason, string message) =>
        _events.Warning(ResourceTypes.Namespaces, KubeSystem, reason, message);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "certificates: serving and apiserver-node-client certificates live {Lifetime}, next renewal at {NextRenewal:o}; the cluster CA ends at {CaNotAfter:o}")]
    private static partial void LogSchedule(ILogger logger, string lifetime, DateTimeOffset nextRenewal, DateTimeOffset caNotAfter);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "renewed droverd's {Certificate} certificate (valid until {NotAfter:o}; next renewal at {NextRenewal:o}); new TLS connections use it, no restart needed")]
    private static partial void LogRenewed(ILogger logger, string certificate, DateTimeOffset notAfter, DateTimeOffset nextRenewal);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "cannot renew droverd's certificates in {Directory}: {Error}; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, string directory, string error);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogCaExpiring(ILogger logger, string message);
}
