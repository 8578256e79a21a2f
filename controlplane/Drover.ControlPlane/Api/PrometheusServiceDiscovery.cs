using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Observability;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>GET /drover/v1/prometheus/agents</c>: Prometheus' HTTP service discovery (<c>http_sd_configs</c>) of the agents'
/// /metrics, read from the Node cache, so a node that joins is scraped within one refresh. Open to the admin and to
/// the metrics identity (DATA/credentials/metrics-token), which may read this and /metrics and nothing else.
/// </summary>
internal sealed class PrometheusServiceDiscovery(SharedInformers informers)
{
    public const string AgentsPath = "/drover/v1/prometheus/agents";

    private readonly Informer<Node> _nodes = (informers ?? throw new ArgumentNullException(nameof(informers))).For(ResourceTypes.Nodes);

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var principal = TokenAuthentication.PrincipalOf(context);
            if (principal.Kind is not (PrincipalKind.Admin or PrincipalKind.Metrics))
                throw new ApiException(ApiErrors.Forbidden($"User \"{principal.Name}\" cannot get path \"{AgentsPath}\""));
            if (!HttpMethods.IsGet(context.Request.Method))
                throw new ApiException(ApiErrors.MethodNotAllowed(context.Request.Method, AgentsPath));
            // Before the first list the cache is empty: answering [] would make Prometheus drop every agent target.
            await _nodes.Synced.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            var groups = AgentTargets.From(_nodes.List());
            await ResponseWriter.WriteJsonAsync(context, groups, PrometheusJsonContext.Default.ListPrometheusTargetGroup).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }
}
