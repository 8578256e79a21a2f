using System.Threading.Channels;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Ingress.Config;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// Writes our address into status.loadBalancer of every ingress we serve (as `kubectl get ingress`
/// shows in ADDRESS). Only ingresses whose status differs are patched; our own write comes back as a
/// watch event, and the next snapshot finds nothing left to do. The latest request wins.
/// </summary>
public sealed partial class IngressStatusWriter
{
    private readonly DroverClient _client;
    private readonly string? _address;
    private readonly ILogger _logger;
    private readonly Channel<IReadOnlyList<Ingress>> _pending = Channel.CreateBounded<IReadOnlyList<Ingress>>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    public IngressStatusWriter(DroverClient client, string? address, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _address = address;
        _logger = logger;
    }

    public void Update(IReadOnlyList<Ingress> served)
    {
        ArgumentNullException.ThrowIfNull(served);
        if (_address is not null)
            _pending.Writer.TryWrite(served);
    }

    public static bool IsCurrent(Ingress ingress, string address)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        return ingress.Status?.LoadBalancer?.Ingress is [{ } only] && only.Ip == address && only.Hostname is null;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        if (_address is null)
            return;
        var patch = "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(_address) + "\"}]}}}";
        try
        {
            await foreach (var served in _pending.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                foreach (var ingress in served)
                {
                    if (IsCurrent(ingress, _address))
                        continue;
                    try
                    {
                        await _client.PatchAsync(ResourceTypes.Ingresses, ingress.Metadata.Namespace, ingress.Metadata.Name!, patch, "status", ct).ConfigureAwait(false);
                        LogStatusWritten(_logger, ClusterObjects.Key(ingress), _address);
                    }
                    catch (ApiClientException e)
                    {
                        // Deleted meanwhile, or droverd away: the next snapshot asks again.
                        LogStatusFailed(_logger, ClusterObjects.Key(ingress), e.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "ingress {Ingress}: status.loadBalancer set to {Address}")]
    private static partial void LogStatusWritten(ILogger logger, string ingress, string address);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "ingress {Ingress}: writing status failed: {Reason}")]
    private static partial void LogStatusFailed(ILogger logger, string ingress, string reason);
}
