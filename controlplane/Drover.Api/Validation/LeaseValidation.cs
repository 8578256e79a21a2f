namespace Drover.Api;

/// <summary>Kubernetes ValidateLeaseSpec.</summary>
internal static class LeaseValidation
{
    public static void Validate(Lease lease, ErrorList errors)
    {
        MetadataValidation.Validate(lease.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
        var spec = lease.Spec;
        if (spec is null)
            return;
        // A lease that expires the moment it is taken would make every holder look dead.
        if (spec.LeaseDurationSeconds is <= 0)
            errors.Invalid("spec.leaseDurationSeconds", spec.LeaseDurationSeconds.Value, "must be greater than 0");
        errors.NonNegative("spec.leaseTransitions", spec.LeaseTransitions);
    }
}
