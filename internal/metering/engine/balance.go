package engine

// BoundaryFlow is the volume one boundary metering point of a zone
// measured over a period, with its sign: +1 for a point feeding the zone,
// −1 for one feeding a neighbour out of it.
type BoundaryFlow struct {
	Point  string
	Sign   int
	Volume float64
}

// Balance is a zone's balance over a period: what entered, what left to
// neighbours, what its consumers' meters took, and the difference.
type Balance struct {
	In, Out, Consumers float64
	Losses             float64
	// LossPercent is Losses as a share of the net input (In − Out);
	// it is meaningful only when HasInput.
	LossPercent float64
	HasInput    bool
}

// ZoneBalance computes in − out − consumers = losses for a zone from its
// signed boundary points and its consumers' consumption. The same
// arithmetic serves a water DMA, a power feeder, a heat circuit and a
// gas zone.
func ZoneBalance(boundary []BoundaryFlow, consumers float64) Balance {
	var b Balance
	for _, f := range boundary {
		if f.Sign < 0 {
			b.Out += f.Volume
		} else {
			b.In += f.Volume
		}
	}
	b.Consumers = consumers
	net := b.In - b.Out
	b.Losses = net - consumers
	if net > 0 {
		b.HasInput = true
		b.LossPercent = 100 * b.Losses / net
	}
	return b
}

// WaterInput is what the IWA water balance of a district metered area
// needs for one period. Volumes are in m³.
type WaterInput struct {
	SystemInput                        float64 // net input of the DMA (ZoneBalance In − Out)
	BilledMetered, BilledUnmetered     float64
	UnbilledMetered, UnbilledUnmetered float64
	// ApparentLosses are the estimated unauthorised use and customer
	// meter under-registration; the rest of the losses are real.
	ApparentLosses float64
	Days           float64 // length of the period
	// Infrastructure, for the unavoidable annual real losses (UARL):
	// mains length (km), service connections, private pipe length
	// between the property line and the meter (km), average pressure (m).
	MainsKm, PrivatePipeKm, PressureM float64
	Connections                       float64
}

// WaterBalance is the IWA standard water balance summary.
type WaterBalance struct {
	Authorised, BilledAuthorised float64
	Losses, Apparent, Real       float64
	NonRevenue                   float64 // NRW = system input − billed authorised
	NonRevenuePercent            float64
	// CARL and UARL are in litres per day; ILI = CARL / UARL is known
	// only when the infrastructure figures were given.
	CARL, UARL, ILI float64
	HasILI          bool
}

// IWABalance computes the IWA water balance: system input = authorised
// consumption + water losses; losses = apparent + real; NRW = input −
// billed authorised; ILI = CARL / UARL with UARL (l/day) = (18·Lm +
// 0.8·Nc + 25·Lp)·P.
func IWABalance(in WaterInput) WaterBalance {
	var w WaterBalance
	w.BilledAuthorised = in.BilledMetered + in.BilledUnmetered
	w.Authorised = w.BilledAuthorised + in.UnbilledMetered + in.UnbilledUnmetered
	w.Losses = in.SystemInput - w.Authorised
	w.Apparent = min(in.ApparentLosses, max(w.Losses, 0))
	w.Real = w.Losses - w.Apparent
	w.NonRevenue = in.SystemInput - w.BilledAuthorised
	if in.SystemInput > 0 {
		w.NonRevenuePercent = 100 * w.NonRevenue / in.SystemInput
	}
	if in.Days > 0 {
		w.CARL = w.Real * 1000 / in.Days
	}
	w.UARL = (18*in.MainsKm + 0.8*in.Connections + 25*in.PrivatePipeKm) * in.PressureM
	if w.UARL > 0 && in.Days > 0 {
		w.ILI = w.CARL / w.UARL
		w.HasILI = true
	}
	return w
}
