using Drover.Api;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    public async Task CreateAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, ct).ConfigureAwait(false);
        var obj = DecodeBody(context, json, path);
        Authorize(context, "create", path, obj);
        var manager = FieldManagerParameter.ForUpdate(context.Request);
        var created = await _registry.CreateAsync(path.Type, obj, QueryParameters.DryRun(context.Request.Query), manager, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 201, path.Type, created).ConfigureAwait(false);
    }
}
