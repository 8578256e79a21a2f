using System.Globalization;
using Drover.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    /// <summary>
    /// DELETE. Dependents go through the garbage collector (propagationPolicy Background, the default;
    /// Foreground is served the same way) or are released first (Orphan: the object keeps the orphan finalizer
    /// until the collector has done so).
    /// </summary>
    public async Task DeleteAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        if (TokenAuthentication.PrincipalOf(context).Kind != PrincipalKind.Admin)
            Authorize(context, "delete", path, await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false));
        var result = await _registry.DeleteAsync(path.Type, path.Namespace, path.Name!, options, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, result).ConfigureAwait(false);
    }

    /// <summary>
    /// DELETE on a collection (deletecollection, as client libraries and <c>kubectl delete --all</c> through them use):
    /// every object the labelSelector and fieldSelector match, each deleted as a DELETE would delete it; the answer is
    /// the list of what was deleted (or marked for deletion), as Kubernetes answers. An object gone in between is skipped.
    /// </summary>
    public async Task DeleteCollectionAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var labels = ParseLabelSelector(QueryParameters.Single(query, "labelSelector"));
        var fields = FieldSelector.Parse(path.Type, QueryParameters.Single(query, "fieldSelector"));
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        var page = await _registry.ListAsync(path.Type, path.Namespace, o => labels.Matches(o.Metadata.Labels) && fields.Matches(o),
            limit: 0, continueToken: null, share: false, ct).ConfigureAwait(false);

        var deleted = new List<KubeObject>(page.Items.Count);
        foreach (var item in page.Items)
        {
            var meta = item.Object.Metadata;
            try
            {
                deleted.Add(await _registry.DeleteAsync(path.Type, meta.Namespace, meta.Name!, options, ct).ConfigureAwait(false));
            }
            catch (ApiException e) when (e.Status.Code == 404)
            {
                // deleted by someone else since the list: nothing left to do for it
            }
        }
        await ResponseWriter.WriteListAsync(context, path.Type, deleted, page.Revision, continueToken: null).ConfigureAwait(false);
    }

    /// <summary>DeleteOptions from the query and the body (the query wins, as in Kubernetes), each value checked.</summary>
    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var body = DeleteOptionsBody.Parse(await RequestBody.ReadOptionalJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false));
        var policy = QueryParameters.Single(query, "propagationPolicy") ?? body.PropagationPolicy ?? "";
        if (!PropagationPolicies.IsKnown(policy))
            throw new ApiException(ApiErrors.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Background\", \"Foreground\", \"Orphan\""));
        var grace = QueryParameters.NonNegative(query, "gracePeriodSeconds", InputLimits.MaxGracePeriodSeconds) ?? body.GracePeriodSeconds;
        var dryRun = QueryParameters.DryRun(query) || body.DryRun;
        return new DeleteOptions(grace, policy.Length == 0 ? null : policy, dryRun);
    }
}
