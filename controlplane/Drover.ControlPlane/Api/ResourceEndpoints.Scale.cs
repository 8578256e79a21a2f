using System.Text.Json;
using Drover.Api;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{

    /// <summary>GET …/scale: the autoscaling/v1 Scale view of a Deployment or ReplicaSet.</summary>
    public async Task GetScaleAsync(HttpContext context, ApiPath path)
    {
        var owner = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, context.RequestAborted).ConfigureAwait(false);
        await ResponseWriter.WriteJsonAsync(context, ToScale(owner), ApiJsonContext.Default.Scale).ConfigureAwait(false);
    }

    /// <summary>PUT or PATCH …/scale: only spec.replicas changes, with the owner's resourceVersion as precondition.</summary>
    public async Task UpdateScaleAsync(HttpContext context, ApiPath path, bool isPatch)
    {
        var ct = context.RequestAborted;
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch, ct).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await UpdateScaleOnceAsync(context, path, isPatch, json, ct).ConfigureAwait(false);
                return;
            }
            catch (ScaleConflictException) when (attempt < MaxPatchAttempts)
            {
                // No resourceVersion asked for: a controller's status write in between is no conflict.
            }
            catch (ScaleConflictException e)
            {
                throw e.Inner;
            }
        }
    }

    private async Task UpdateScaleOnceAsync(HttpContext context, ApiPath path, bool isPatch, byte[] json, CancellationToken ct)
    {
        var owner = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false);
        var current = ToScale(owner);
        Scale requested;
        try
        {
            if (isPatch)
            {
                var target = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(current, ApiJsonContext.Default.Scale), documentOptions: JsonInput.DocumentOptions);
                var merged = MergePatch.Apply(target, JsonInput.ParseNode(json));
                json = JsonSerializer.SerializeToUtf8Bytes(merged, NodeJsonContext.Default.JsonNode);
            }
            requested = JsonSerializer.Deserialize(json, ApiJsonContext.Default.Scale) ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiErrors.InvalidManifest(ObjectDecoder.TranslateJsonError(e)));
        }
        catch (ManifestException e)
        {
            throw new ApiException(RequestBody.Refusal(e));
        }
        ResourceVersionInput.Validate(path.Type, owner with { Metadata = owner.Metadata with { ResourceVersion = requested.Metadata.ResourceVersion } });
        var replicas = requested.Spec.Replicas ?? 0;
        if (replicas < 0)
            throw new ApiException(ApiErrors.Invalid(path.Type, path.Name, [new FieldError("spec.replicas", FieldErrorType.Invalid, replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0")]));
        var rescaled = owner switch
        {
            Deployment d => d with { Spec = d.Spec with { Replicas = replicas } },
            ReplicaSet rs => (KubeObject)(rs with { Spec = rs.Spec with { Replicas = replicas } }),
            _ => throw new ApiException(ApiErrors.PathNotFound(context.Request.Path)),
        };
        rescaled = rescaled with { Metadata = rescaled.Metadata with { ResourceVersion = requested.Metadata.ResourceVersion } };
        KubeObject updated;
        try
        {
            updated = await _registry.UpdateAsync(path.Type, rescaled, owner, statusOnly: false, QueryParameters.DryRun(context.Request.Query), FieldManagerParameter.ForUpdate(context.Request, "scale"), ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Status.Code == 409 && (requested.Metadata.ResourceVersion is null || requested.Metadata.ResourceVersion == owner.Metadata.ResourceVersion && isPatch))
        {
            throw new ScaleConflictException(e);
        }
        await ResponseWriter.WriteJsonAsync(context, ToScale(updated), ApiJsonContext.Default.Scale).ConfigureAwait(false);
    }

    private static Scale ToScale(KubeObject owner)
    {
        var (specReplicas, statusReplicas, selector) = owner switch
        {
            Deployment d => (d.Spec.Replicas, d.Status?.Replicas ?? 0, d.Spec.Selector),
            ReplicaSet rs => (rs.Spec.Replicas, rs.Status?.Replicas ?? 0, rs.Spec.Selector),
            _ => (null, 0, null),
        };
        var meta = owner.Metadata;
        return new Scale
        {
            ApiVersion = "autoscaling/v1",
            Kind = "Scale",
            Metadata = new ObjectMeta
            {
                Name = meta.Name,
                Namespace = meta.Namespace,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
                CreationTimestamp = meta.CreationTimestamp,
            },
            Spec = new ScaleSpec { Replicas = specReplicas },
            Status = new ScaleStatus { Replicas = statusReplicas, Selector = Selector.FromLabelSelector(selector).ToString() },
        };
    }

    /// <summary>A conflict the scale verb may retry (the request named no resourceVersion of its own).</summary>
    private sealed class ScaleConflictException(ApiException inner) : Exception(inner.Message, inner)
    {
        public ApiException Inner { get; } = inner;
    }
}
