using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    public async Task CreateAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, ct).ConfigureAwait(false);
        var obj = DecodeBody(json, path);
        Authorize(context, "create", path, obj);
        await EnsureNamespaceAcceptsAsync(path.Type, obj.Metadata.Namespace, ct).ConfigureAwait(false);

        var meta = obj.Metadata;
        var name = meta.Name;
        if (string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(meta.GenerateName))
            name = meta.GenerateName + RandomSuffix();
        obj = obj with
        {
            Metadata = meta with
            {
                Name = name,
                Uid = Guid.NewGuid().ToString(),
                CreationTimestamp = _time.GetUtcNowSeconds(),
                ResourceVersion = null,
                Generation = 1,
                DeletionTimestamp = null,
                DeletionGracePeriodSeconds = null,
            },
        };
        // Status is the server's to write: a create starts from none (a pod starts Pending).
        obj = obj is Pod pod ? pod with { Status = new PodStatus { Phase = "Pending" } } : obj.WithStatusFrom(null);
        obj = Admit(path.Type, obj, existing: null);

        var created = obj is Node node
            ? await _cidrs.CreateWithCidrAsync(node, n => _objects.CreateAsync(path.Type, n, ct), ct).ConfigureAwait(false)
            : await _objects.CreateAsync(path.Type, obj, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 201, path.Type, created).ConfigureAwait(false);
    }
}
