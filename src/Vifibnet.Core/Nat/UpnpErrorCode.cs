namespace Vifibnet.Nat;

/// <summary>The UPnP error codes the WANIPConnection/WANPPPConnection services return that we act on or report.</summary>
public static class UpnpErrorCode
{
    public const int InvalidAction = 401;
    public const int InvalidArgs = 402;
    public const int ActionFailed = 501;
    public const int ActionNotAuthorized = 606;
    public const int SpecifiedArrayIndexInvalid = 713;
    public const int NoSuchEntryInArray = 714;
    public const int WildCardNotPermittedInSrcIp = 715;
    public const int WildCardNotPermittedInExtPort = 716;
    public const int ConflictInMappingEntry = 718;
    public const int SamePortValuesRequired = 724;
    public const int OnlyPermanentLeasesSupported = 725;
    public const int RemoteHostOnlySupportsWildcard = 726;
    public const int ExternalPortOnlySupportsWildcard = 727;
    public const int NoPortMapsAvailable = 728;
    public const int ConflictWithOtherMechanisms = 729;
    public const int WildCardNotPermittedInIntPort = 732;

    /// <summary>The spec's name for a code, for log lines when the gateway sent no description.</summary>
    public static string NameOf(int code) => code switch
    {
        InvalidAction => "InvalidAction",
        InvalidArgs => "InvalidArgs",
        ActionFailed => "ActionFailed",
        ActionNotAuthorized => "ActionNotAuthorized",
        SpecifiedArrayIndexInvalid => "SpecifiedArrayIndexInvalid",
        NoSuchEntryInArray => "NoSuchEntryInArray",
        WildCardNotPermittedInSrcIp => "WildCardNotPermittedInSrcIP",
        WildCardNotPermittedInExtPort => "WildCardNotPermittedInExtPort",
        ConflictInMappingEntry => "ConflictInMappingEntry",
        SamePortValuesRequired => "SamePortValuesRequired",
        OnlyPermanentLeasesSupported => "OnlyPermanentLeasesSupported",
        RemoteHostOnlySupportsWildcard => "RemoteHostOnlySupportsWildcard",
        ExternalPortOnlySupportsWildcard => "ExternalPortOnlySupportsWildcard",
        NoPortMapsAvailable => "NoPortMapsAvailable",
        ConflictWithOtherMechanisms => "ConflictWithOtherMechanisms",
        WildCardNotPermittedInIntPort => "WildCardNotPermittedInIntPort",
        _ => "",
    };
}
