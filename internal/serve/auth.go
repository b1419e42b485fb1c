package serve

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Scopes a token may carry.
const (
	ScopeSubmit = "submit" // post and cancel one's own jobs
	ScopeRead   = "read"   // status and results of one's own jobs
	ScopeAdmin  = "admin"  // every job, and /metrics when it is not public
)

var knownScopes = []string{ScopeSubmit, ScopeRead, ScopeAdmin}

// Claims are a wtscan-serve token's claims: the registered ones plus an
// OAuth-style space-separated scope.
type Claims struct {
	Scope string `json:"scope"`
	jwt.RegisteredClaims
}

// Has reports whether the token carries scope (admin carries every scope).
func (c *Claims) Has(scope string) bool {
	s := strings.Fields(c.Scope)
	return slices.Contains(s, scope) || slices.Contains(s, ScopeAdmin)
}

// Admin reports whether the token carries the admin scope.
func (c *Claims) Admin() bool { return slices.Contains(strings.Fields(c.Scope), ScopeAdmin) }

// ParseScopes checks a comma-separated scope list.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(knownScopes, p) {
			return nil, fmt.Errorf("scope %q is not one of %s", p, strings.Join(knownScopes, ", "))
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no scope given")
	}
	return out, nil
}

// NewToken signs an HS256 token for subject with scopes, valid for ttl.
func NewToken(key []byte, issuer, subject string, scopes []string, ttl time.Duration, now time.Time) (string, error) {
	if subject == "" {
		return "", errors.New("empty subject")
	}
	c := Claims{
		Scope: strings.Join(scopes, " "),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
}

// verifyToken checks signature, algorithm, issuer and expiry.
func verifyToken(key []byte, issuer, token string) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(5*time.Second),
	)
	if err != nil {
		return nil, err
	}
	if c.Subject == "" {
		return nil, errors.New("token has no subject")
	}
	return &c, nil
}
