// Package services is the municipal services domain (муниципальные услуги):
// each municipality's catalogue of services with their regulated terms,
// fees, documents and application forms (forms are data), the residents'
// applications from draft to decision, worked by officials in the
// workplace queue against deadlines counted over the production calendar,
// the result document as a PDF, and per-service statistics published to
// residents. Services marked extraterritorial take applications from
// residents of any municipality. Where a service's regulation provides
// for it (Term.Suspends), a request for a missing document suspends the
// application's term until the applicant answers, and the deadline moves
// later by the days stopped (Service.Stopped says how they count).
package services
