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
        var query = context.Request.Query;
        var body = DeleteOptionsBody.Parse(await RequestBody.ReadOptionalJsonAsync(context.Request, ct).ConfigureAwait(false));
        var policy = QueryParameters.Single(query, "propagationPolicy") ?? body.PropagationPolicy ?? "";
        if (!PropagationPolicies.IsKnown(policy))
            throw new ApiException(ApiErrors.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Background\", \"Foreground\", \"Orphan\""));
        var grace = QueryParameters.NonNegative(query, "gracePeriodSeconds", InputLimits.MaxGracePeriodSeconds) ?? body.GracePeriodSeconds;
        var dryRun = QueryParameters.DryRun(query) || body.DryRun;

        if (TokenAuthentication.PrincipalOf(context).Kind != PrincipalKind.Admin)
            Authorize(context, "delete", path, await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false));
        var result = await _registry.DeleteAsync(path.Type, path.Namespace, path.Name!, new DeleteOptions(grace, policy.Length == 0 ? null : policy, dryRun), ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, result).ConfigureAwait(false);
    }
}
