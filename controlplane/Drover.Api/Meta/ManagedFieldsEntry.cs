using System.Text.Json;

namespace Drover.Api;

/// <summary>
/// Who set which fields (metav1.ManagedFieldsEntry): server-side apply records one entry per field manager, with the
/// fields in Kubernetes' FieldsV1 form ({"f:spec":{"f:replicas":{}}}, list elements as k:{"name":"app"}).
/// </summary>
public sealed record ManagedFieldsEntry
{
    public string? Manager { get; init; }
    public string? Operation { get; init; }
    public string? ApiVersion { get; init; }
    public DateTimeOffset? Time { get; init; }
    public string? FieldsType { get; init; }
    public JsonElement? FieldsV1 { get; init; }
    public string? Subresource { get; init; }
}
