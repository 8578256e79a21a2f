namespace Drover.Api.Patching;

/// <summary>
/// Who makes a non-apply write, as Kubernetes records it in managedFields (operation "Update"): the request's
/// fieldManager, or the User-Agent's product name (kubectl, kubectl-edit…), and the subresource written through (scale).
/// </summary>
public sealed record FieldManager(string Name, string? Subresource = null);
