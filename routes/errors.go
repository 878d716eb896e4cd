package routes

import "errors"

var errUnknownUser = errors.New("unknown or inactive user")
