using System.Globalization;
using Drover.Api;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    /// <summary>
    /// DELETE. Dependents go through the garbage collector (propagationPolicy Background, the default;
    /// Foreground is served the same way) or are released (Orphan).
    /// </summary>
    public async Task DeleteAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var policy = QueryParameters.Single(query, "propagationPolicy") ?? "";
        if (policy is not ("" or "Background" or "Foreground" or "Orphan"))
            throw new ApiException(ApiErrors.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Background\", \"Foreground\", \"Orphan\""));
        var grace = QueryParameters.NonNegative(query, "gracePeriodSeconds", InputLimits.MaxGracePeriodSeconds);

        if (TokenAuthentication.PrincipalOf(context).Kind != PrincipalKind.Admin)
            Authorize(context, "delete", path, await _objects.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false));
        if (policy == "Orphan")
        {
            // Release the dependents first, so the collector never sees them with a vanished owner.
            var owner = await _objects.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false);
            await _collector.OrphanDependentsAsync(owner.Metadata.Uid!, ct).ConfigureAwait(false);
        }
        var (result, _) = await _deleter.DeleteAsync(path.Type, path.Namespace, path.Name!, grace, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, result).ConfigureAwait(false);
    }
}
