namespace Drover.Api;

/// <summary>Kubernetes ValidateEvent (core/v1 form).</summary>
internal static class EventValidation
{
    public static void Validate(Event ev, ErrorList errors)
    {
        MetadataValidation.Validate(ev.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        // An event about nothing cannot be shown by `describe` or garbage collected with its object.
        var involved = ev.InvolvedObject;
        if (involved is null)
        {
            errors.Required("involvedObject");
            return;
        }
        if (string.IsNullOrEmpty(involved.Kind))
            errors.Required("involvedObject.kind");
        if (string.IsNullOrEmpty(involved.Name))
            errors.Required("involvedObject.name");
        // Events of namespaced objects live in the object's namespace so they are listed next to it.
        if (!string.IsNullOrEmpty(involved.Namespace) && !string.IsNullOrEmpty(ev.Metadata?.Namespace)
            && involved.Namespace != ev.Metadata.Namespace)
            errors.Invalid("involvedObject.namespace", involved.Namespace, "does not match event.namespace");
        if (ev.Count is < 0)
            errors.Invalid("count", ev.Count.Value, "must be greater than or equal to 0");
        if (ev.Type is { Length: > 0 } type && type is not ("Normal" or "Warning"))
            errors.NotSupported("type", type, "Normal", "Warning");
    }
}
